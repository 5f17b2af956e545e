import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/auth.service.js';
import { sameSecret } from '../auth/secrets.js';
import { AppbanError } from '../lib/errors.js';
import { type ApiRoute, CSRF_HEADER, type RouteAccess, SESSION_COOKIE } from './access.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Finds who is calling from the bearer token or the session cookie; a bad credential is never a guess. */
export async function principalOf(
  request: FastifyRequest,
  auth: AuthService,
): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match?.[1] ? await auth.tokenPrincipal(match[1]) : undefined;
    if (!principal) throw new AppbanError('AUTH_FAILED', 'the API token is wrong, expired or revoked');
    return principal;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return auth.sessionPrincipal(cookie);
  return undefined;
}

/**
 * One check for every route, from the access it declares. Runs before body parsing, so an
 * unauthenticated caller cannot make the server read a large body.
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): void {
  app.decorate('apiRoutes', [] as ApiRoute[]);
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (!url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`route ${String(route.method)} ${url} declares no access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.apiRoutes.push({ method, url, access });
    }
  });
  app.addHook('onRequest', async (request) => {
    const access: RouteAccess | undefined = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const principal = await principalOf(request, auth);
    if (!principal) throw new AppbanError('AUTH_REQUIRED', 'log in or send an API token');
    request.principal = principal;
    if (access !== 'authenticated' && !principal.permissions.includes(access.see)) {
      throw new AppbanError('NOT_FOUND', `not found: ${request.method} ${request.url.split('?')[0]}`);
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        throw new AppbanError('CSRF_FAILED', `send the session's CSRF token in the ${CSRF_HEADER} header`);
      }
    }
    if (
      access !== 'authenticated' &&
      access.act !== undefined &&
      !principal.permissions.includes(access.act)
    ) {
      throw new AppbanError('FORBIDDEN', `the ${principal.role} role may not do this`);
    }
  });
}

/** The principal of a route that declared non-public access (the hook guarantees it). */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppbanError('AUTH_REQUIRED', 'log in or send an API token');
  return request.principal;
}
