import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../cli/context.js';
import { AppbanError, isAppbanError } from '../lib/errors.js';
import { installAccessControl } from './auth.hooks.js';
import { registerDashboard } from './dashboard.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerBanRoutes } from './routes/ban.routes.js';
import { registerCatalogRoutes } from './routes/catalog.routes.js';
import { registerDeviceRoutes } from './routes/device.routes.js';
import { registerExceptionRoutes } from './routes/exception.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerIngestRoutes } from './routes/ingest.routes.js';
import { registerNotificationRoutes } from './routes/notification.routes.js';
import { registerOverviewRoutes } from './routes/overview.routes.js';
import { registerReportRoutes } from './routes/report.routes.js';
import { registerUserRoutes } from './routes/user.routes.js';
import { VERSION } from './version.js';

export interface AppOptions {
  /** false (default), true, or a pino level such as `warn`. */
  logger?: boolean | string;
  /** Largest JSON request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Largest inventory file accepted by POST /inventory, in bytes (default 512 MiB). */
  uploadLimit?: number;
  /** Login attempts per client address per minute (default 10). */
  loginRatePerMinute?: number;
  /** Ingest and check-in requests per caller per minute (default 6000; 0 switches the limit off). */
  ingestRatePerMinute?: number;
  /** Where the built dashboard is (default dist/web when it exists). */
  webRoot?: string;
  /** Called after a change commits (ingest, ban, exception), e.g. to send notifications soon. */
  afterChange?: () => void;
  /** Send cookies with `Secure` (behind HTTPS); default off so that http://localhost works. */
  secureCookies?: boolean;
}

export interface ServerDeps {
  context: AppContext;
  options: Required<Omit<AppOptions, 'logger' | 'webRoot' | 'afterChange'>> & {
    afterChange: () => void;
  };
}

/**
 * The HTTP app, separate from `listen` so tests drive it in-process with `inject()`. Every error
 * leaves in one envelope, `{ error: { code, message }, requestId }`, with a code from the catalogue;
 * unexpected errors are logged in full and shown only as INTERNAL. Every /api route declares who may
 * call it (see access.ts) and its schemas, from which /api/openapi.json is generated.
 */
export async function buildApp(context: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const deps: ServerDeps = {
    context,
    options: {
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      uploadLimit: options.uploadLimit ?? 512 * 1024 * 1024,
      loginRatePerMinute: options.loginRatePerMinute ?? 10,
      ingestRatePerMinute: options.ingestRatePerMinute ?? 6000,
      secureCookies: options.secureCookies ?? false,
      afterChange: options.afterChange ?? (() => {}),
    },
  };
  const app = Fastify({
    logger: options.logger
      ? {
          level: typeof options.logger === 'string' ? options.logger : 'info',
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
            censor: '[redacted]',
          },
        }
      : false,
    bodyLimit: deps.options.bodyLimit,
    genReqId: () => randomUUID(),
    // Unknown query or body fields are errors, not silently dropped: a misspelt filter must not
    // quietly widen a report.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  app.setErrorHandler((error, request, reply) => {
    const appban = isAppbanError(error) ? error : fromFastify(error);
    if (appban.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    const body: Record<string, unknown> = {
      error: { code: appban.code, message: appban.message },
      requestId: request.id,
    };
    const problems = (error as { problems?: unknown }).problems;
    if (Array.isArray(problems)) body.problems = problems;
    void reply.status(appban.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      requestId: request.id,
    });
  });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) =>
      new AppbanError('RATE_LIMITED', `too many requests; try again in ${Math.ceil(limit.ttl / 1000)} s`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'appban',
        version: VERSION,
        description:
          'Declare an app ban once, enforce it everywhere, find every device that still breaks it, and prove compliance for any past day.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'appban_session' },
          token: { type: 'http', scheme: 'bearer', description: 'An API token: abt_<id>_<secret>' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  installAccessControl(app, context.auth);

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerBanRoutes(app, deps);
  registerExceptionRoutes(app, deps);
  registerDeviceRoutes(app, deps);
  registerOverviewRoutes(app, deps);
  registerReportRoutes(app, deps);
  await registerIngestRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  const webRoot = options.webRoot ?? 'dist/web';
  await registerDashboard(app, existsSync(webRoot) ? webRoot : undefined);
  return app;
}

function fromFastify(error: unknown): AppbanError {
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (e.statusCode === 429) return new AppbanError('RATE_LIMITED', e.message ?? 'too many requests');
  if (e.validation !== undefined || e.statusCode === 400 || e.statusCode === 415)
    return new AppbanError('USAGE', e.message ?? 'bad request');
  if (e.statusCode === 413) return new AppbanError('INPUT_TOO_LARGE', 'the request body is too large');
  if (e.statusCode === 404) return new AppbanError('NOT_FOUND', e.message ?? 'not found');
  return new AppbanError('INTERNAL', 'unexpected failure; the server log has the details', { cause: error });
}
