import type { FastifyInstance } from 'fastify';
import { lookup } from '../../catalog/catalog.lookup.js';
import { presentApp } from '../../cli/commands/catalog.command.js';
import type { AppContext } from '../../cli/context.js';
import { AppbanError } from '../../lib/errors.js';
import { loadPrecedents } from '../../precedents/precedent.loader.js';

export function registerCatalogRoutes(app: FastifyInstance, context: Pick<AppContext, 'catalog'>): void {
  app.get('/api/v1/catalog/apps', async () => ({ apps: [...context.catalog.apps.values()].map(presentApp) }));
  app.get<{ Params: { id: string } }>(
    '/api/v1/catalog/apps/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
      },
    },
    async (request) => {
      const entry = lookup(context.catalog, request.params.id);
      if (!entry || !('publisher' in entry)) {
        throw new AppbanError('NOT_FOUND', `the catalog has no app ${request.params.id}`);
      }
      return presentApp(entry);
    },
  );
  app.get('/api/v1/precedents', async () => ({ precedents: loadPrecedents() }));
}
