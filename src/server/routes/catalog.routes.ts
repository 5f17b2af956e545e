import type { FastifyInstance } from 'fastify';
import { lookup } from '../../catalog/catalog.lookup.js';
import { presentApp } from '../../cli/commands/catalog.command.js';
import { AppbanError } from '../../lib/errors.js';
import { loadPrecedents } from '../../precedents/precedent.loader.js';
import type { ServerDeps } from '../app.js';

const free = { type: 'object', additionalProperties: true } as const;

/** The catalog of app identities and the precedents a ban can follow. */
export function registerCatalogRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  app.get(
    '/api/v1/catalog/apps',
    {
      config: { access: { see: 'catalog:read' } },
      schema: {
        summary: 'Every app in the catalog with its identifiers',
        tags: ['catalog'],
        response: { 200: { type: 'object', properties: { apps: { type: 'array', items: free } } } },
      },
    },
    async () => ({ apps: [...context.catalog.apps.values()].map(presentApp) }),
  );
  app.get<{ Params: { id: string } }>(
    '/api/v1/catalog/apps/:id',
    {
      config: { access: { see: 'catalog:read' } },
      schema: {
        summary: 'One app of the catalog',
        tags: ['catalog'],
        params: {
          type: 'object',
          additionalProperties: false,
          properties: { id: { type: 'string', maxLength: 100 } },
          required: ['id'],
        },
        response: { 200: free },
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
  app.get(
    '/api/v1/precedents',
    {
      config: { access: { see: 'catalog:read' } },
      schema: {
        summary: 'Real government bans, usable as templates',
        tags: ['catalog'],
        response: { 200: { type: 'object', properties: { precedents: { type: 'array', items: free } } } },
      },
    },
    async () => ({ precedents: loadPrecedents() }),
  );
}
