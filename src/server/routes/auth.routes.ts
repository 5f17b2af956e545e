import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Principal } from '../../auth/auth.service.js';
import { SESSION_TTL_MS } from '../../auth/auth.service.js';
import { AppbanError } from '../../lib/errors.js';
import { SESSION_COOKIE } from '../access.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';

const meSchema = {
  type: 'object',
  properties: {
    user: {
      type: 'object',
      properties: { username: { type: 'string' }, role: { type: 'string' }, kind: { type: 'string' } },
    },
    csrfToken: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
  },
} as const;

function presentMe(principal: Principal) {
  return {
    user: { username: principal.username ?? principal.actor, role: principal.role, kind: principal.kind },
    ...(principal.csrfToken === undefined ? {} : { csrfToken: principal.csrfToken }),
    permissions: [...principal.permissions],
  };
}

/** Dashboard sessions: log in, who am I, log out. */
export function registerAuthRoutes(app: FastifyInstance, { context, options }: ServerDeps): void {
  const setCookie = (reply: FastifyReply, value: string, maxAgeMs: number) =>
    reply.setCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secureCookies,
      path: '/',
      maxAge: Math.floor(maxAgeMs / 1000),
    });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: { max: options.loginRatePerMinute, timeWindow: 60_000 },
      },
      schema: {
        summary: 'Log in: sets the session cookie and returns the CSRF token',
        tags: ['auth'],
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
          required: ['username', 'password'],
        },
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const { token, principal } = await context.auth.login(request.body.username, request.body.password);
      setCookie(reply, token, SESSION_TTL_MS);
      return presentMe(principal);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Who is calling, with which permissions',
        tags: ['auth'],
        response: { 200: meSchema },
      },
    },
    async (request) => presentMe(callerOf(request)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'End the session', tags: ['auth'] },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.kind !== 'session' || !caller.sessionHash) {
        throw new AppbanError('USAGE', 'an API token has no session to end; revoke the token instead');
      }
      await context.auth.logout(caller.sessionHash);
      setCookie(reply, '', 0);
      return reply.status(204).send();
    },
  );
}
