import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { exportChain } from '../../audit/audit.export.js';
import { verifyStoredChain } from '../../audit/audit.verify.js';
import { auditHead, listAuditEvents } from '../../store/audit.repository.js';
import type { ServerDeps } from '../app.js';
import { isoRequired } from '../present.js';

const headSchema = {
  type: ['object', 'null'],
  properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
} as const;

/** The hash-chained audit log: read it, verify it, export it for an offline check. */
export function registerAuditRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  const { db } = context.store;

  app.get<{ Querystring: { after?: number; limit?: number; order?: 'asc' | 'desc' } }>(
    '/api/v1/audit',
    {
      config: { access: { see: 'audit:read' } },
      schema: {
        summary: 'Audit events in chain order, a page at a time',
        tags: ['audit'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              events: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    seq: { type: 'integer' },
                    at: { type: 'string' },
                    actor: { type: 'string' },
                    action: { type: 'string' },
                    objectType: { type: 'string' },
                    objectId: { type: 'string' },
                    details: { type: 'object', additionalProperties: true },
                    prevHash: { type: 'string' },
                    hash: { type: 'string' },
                  },
                },
              },
              head: headSchema,
            },
          },
        },
      },
    },
    async (request) => {
      const [events, head] = await Promise.all([
        listAuditEvents(db, {
          ...(request.query.after === undefined ? {} : { afterSeq: request.query.after }),
          limit: request.query.limit ?? 100,
        }),
        auditHead(db),
      ]);
      return {
        events: events.map((e) => ({ ...e, at: isoRequired(e.at) })),
        head: head ? { seq: Number(head.seq), hash: head.hash } : null,
      };
    },
  );

  app.get<{ Querystring: { expectHead?: string } }>(
    '/api/v1/audit/verify',
    {
      config: { access: { see: 'audit:read' } },
      schema: {
        summary: 'Verify the whole chain; says which event was edited, deleted or reordered',
        tags: ['audit'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { expectHead: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              events: { type: 'integer' },
              head: headSchema,
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    seq: { type: 'integer' },
                    kind: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
              verifiedAt: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const result = await verifyStoredChain(
        db,
        request.query.expectHead === undefined ? {} : { expectedHead: request.query.expectHead },
      );
      return { ...result, verifiedAt: isoRequired(context.now()) };
    },
  );

  app.get(
    '/api/v1/audit/export',
    {
      config: { access: { see: 'audit:read' } },
      schema: {
        summary: 'The whole chain as JSON lines, ending with its head hash',
        tags: ['audit'],
      },
    },
    async (_request, reply) =>
      reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', 'attachment; filename="appban-audit.jsonl"')
        .send(Readable.from(exportChain(db))),
  );
}
