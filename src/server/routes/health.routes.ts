import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ServerDeps } from '../app.js';
import { VERSION } from '../version.js';

export function registerHealthRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Whether the server and its database answer',
        tags: ['health'],
        security: [],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              database: { type: 'string' },
              version: { type: 'string' },
            },
          },
        },
      },
    },
    async () => {
      await sql`select 1`.execute(context.store.db);
      return { status: 'ok', database: context.store.dialect, version: VERSION };
    },
  );
}
