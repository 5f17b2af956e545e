import type { FastifyInstance } from 'fastify';
import { MAX_TOKEN_DAYS } from '../../auth/auth.service.js';
import { listUsers } from '../../auth/user.repository.js';
import { ROLES, type Role } from '../../store/schema.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';
import { iso, isoRequired } from '../present.js';

const userSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    role: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    disabledAt: { type: ['string', 'null'] },
  },
} as const;

const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'] },
    token: { type: 'string' },
  },
} as const;

const tokenIdParams = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } },
  required: ['id'],
} as const;

/** People and API tokens. Password hashes and token secrets never leave the store. */
export function registerUserRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  app.get(
    '/api/v1/users',
    {
      config: { access: { see: 'users:read' } },
      schema: {
        summary: 'Every user and their role',
        tags: ['users'],
        response: { 200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } } },
      },
    },
    async () => ({
      users: (await listUsers(context.store.db)).map((u) => ({
        username: u.username,
        role: u.role,
        createdAt: isoRequired(u.createdAt),
        createdBy: u.createdBy,
        disabledAt: iso(u.disabledAt),
      })),
    }),
  );

  app.post<{ Body: { username: string; role: Role; password?: string } }>(
    '/api/v1/users',
    {
      config: { access: { see: 'users:read', act: 'users:write' } },
      schema: {
        summary: 'Add a user; without a password, one is generated and returned once',
        tags: ['users'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 2, maxLength: 64 },
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', minLength: 12, maxLength: 1024 },
          },
          required: ['username', 'role'],
        },
        response: {
          201: {
            type: 'object',
            properties: { user: userSchema, password: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { user, generatedPassword } = await context.auth.createUser({
        username: request.body.username,
        role: request.body.role,
        ...(request.body.password === undefined ? {} : { password: request.body.password }),
        actor: caller.actor,
      });
      return reply.status(201).send({
        user: {
          username: user.username,
          role: user.role,
          createdAt: isoRequired(user.createdAt),
          createdBy: user.createdBy,
          disabledAt: null,
        },
        ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
      });
    },
  );

  const presentToken = (t: Awaited<ReturnType<typeof context.auth.listTokens>>[number]) => ({
    id: t.id,
    name: t.name,
    role: t.role,
    createdBy: t.createdBy,
    createdAt: isoRequired(t.createdAt),
    expiresAt: isoRequired(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
  });

  app.get(
    '/api/v1/tokens',
    {
      config: { access: { see: 'users:read' } },
      schema: {
        summary: 'API tokens (never their secrets)',
        tags: ['users'],
        response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } } },
      },
    },
    async () => ({ tokens: (await context.auth.listTokens()).map(presentToken) }),
  );

  app.post<{ Body: { name: string; role: Role; expiresInDays?: number } }>(
    '/api/v1/tokens',
    {
      config: { access: { see: 'users:read', act: 'users:write' } },
      schema: {
        summary: 'Create an API token; its secret is in this answer only',
        tags: ['users'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            role: { type: 'string', enum: [...ROLES] },
            expiresInDays: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_DAYS, default: 90 },
          },
          required: ['name', 'role'],
        },
        response: { 201: tokenSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { token, record } = await context.auth.createToken({
        name: request.body.name,
        role: request.body.role,
        expiresInDays: request.body.expiresInDays ?? 90,
        actor: caller.actor,
      });
      return reply.status(201).send({ ...presentToken(record), token });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    {
      config: { access: { see: 'users:read', act: 'users:write' } },
      schema: {
        summary: 'Revoke an API token at once',
        tags: ['users'],
        params: tokenIdParams,
        response: { 200: tokenSchema },
      },
    },
    async (request) =>
      presentToken(await context.auth.revokeToken(request.params.id, callerOf(request).actor)),
  );
}
