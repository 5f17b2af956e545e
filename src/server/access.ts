import type { Principal } from '../auth/auth.service.js';
import type { Permission } from '../auth/roles.js';

/**
 * What a route needs, declared on the route itself (`config.access`), so the check is never
 * forgotten: the app refuses to register an /api route without it.
 * - `public`: anyone (health, login, the OpenAPI document, the dashboard's files);
 * - `authenticated`: any session or token;
 * - `{ see, act? }`: a caller without `see` is told 404, as if the object did not exist; one with
 *   `see` but without `act` gets 403.
 */
export type RouteAccess = 'public' | 'authenticated' | { see: Permission; act?: Permission };

/** An /api route as registered, with the access it declared: the route × role matrix test reads these. */
export interface ApiRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiRoutes: ApiRoute[];
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'appban_session';
export const CSRF_HEADER = 'x-csrf-token';
