import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built dashboard (web/, built into dist/web by `npm run build:web`) at `/`, with
 * index.html for any other non-API path so the app's own routes survive a reload. Without a build,
 * `/` says how to make one.
 */
export async function registerDashboard(app: FastifyInstance, root: string | undefined): Promise<void> {
  if (root === undefined) {
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built. Run `npm run build:web` (npm start does it), then reload.\n'),
    );
    return;
  }
  const absolute = resolve(root);
  await app.register(fastifyStatic, {
    root: absolute,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Hashed asset names never change content; index.html must always be fresh.
    setHeaders: (res, path) => {
      res.header(
        'cache-control',
        path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      res.header('x-content-type-options', 'nosniff');
      res.header('referrer-policy', 'same-origin');
      res.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      );
    },
  });
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply.status(404).send({
        error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
        requestId: request.id,
      });
    }
    return reply.sendFile('index.html', absolute);
  });
}
