import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../cli/context.js';
import { AppbanError, isAppbanError } from '../lib/errors.js';
import { registerCatalogRoutes } from './routes/catalog.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerReportRoutes } from './routes/report.routes.js';

export interface AppOptions {
  logger?: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
}

/**
 * The HTTP app, separate from `listen` so tests drive it in-process with `inject()`. Every error
 * leaves in one envelope, `{ error: { code, message }, requestId }`, with a code from the catalogue;
 * unexpected errors are logged in full and shown only as INTERNAL.
 */
export function buildApp(context: AppContext, options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    genReqId: () => randomUUID(),
    // Unknown query or body fields are errors, not silently dropped: a misspelt filter must not
    // quietly widen a report.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  app.setErrorHandler((error, request, reply) => {
    const appban = isAppbanError(error) ? error : fromFastify(error);
    if (appban.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    void reply
      .status(appban.status)
      .send({ error: { code: appban.code, message: appban.message }, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      requestId: request.id,
    });
  });
  registerHealthRoutes(app);
  registerCatalogRoutes(app, context);
  registerReportRoutes(app, context);
  return app;
}

function fromFastify(error: unknown): AppbanError {
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (e.validation !== undefined || e.statusCode === 400)
    return new AppbanError('USAGE', e.message ?? 'bad request');
  if (e.statusCode === 413) return new AppbanError('INPUT_TOO_LARGE', 'the request body is too large');
  if (e.statusCode === 404) return new AppbanError('NOT_FOUND', e.message ?? 'not found');
  return new AppbanError('INTERNAL', 'unexpected failure; the server log has the details', { cause: error });
}
