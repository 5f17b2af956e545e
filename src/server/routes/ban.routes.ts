import type { FastifyInstance } from 'fastify';
import { loadBanText } from '../../bans/ban.loader.js';
import { shortRevision } from '../../bans/ban.revision.js';
import { banToYaml } from '../../bans/ban.serialize.js';
import type { Ban } from '../../bans/ban.types.js';
import { generate } from '../../enforce/enforce.service.js';
import { TARGETS } from '../../enforce/registry.js';
import { addDuration, formatCalendarDate, parseCalendarDate, parseDuration } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { loadPrecedents } from '../../precedents/precedent.loader.js';
import { diffBanDocuments } from '../../store/ban-revision.diff.js';
import {
  listBanRevisions,
  listLatestBanRevisions,
  requireBanRevision,
  type StoredBanRevision,
} from '../../store/ban-revision.repository.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';
import { isoRequired } from '../present.js';
import { countsSchema } from './schemas.js';

const banId = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9._-]*$' } as const;
const idParams = {
  type: 'object',
  additionalProperties: false,
  properties: { id: banId },
  required: ['id'],
} as const;
const free = { type: 'object', additionalProperties: true } as const;

const revisionSummary = {
  type: 'object',
  properties: {
    revision: { type: 'integer' },
    appliedAt: { type: 'string' },
    appliedBy: { type: 'string' },
    contentHash: { type: 'string' },
    title: { type: 'string' },
  },
} as const;

const banDetailSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    revision: { type: 'integer' },
    contentHash: { type: 'string' },
    appliedAt: { type: 'string' },
    appliedBy: { type: 'string' },
    ban: free,
    yaml: { type: 'string' },
    timeline: {
      type: 'object',
      properties: {
        start: { type: 'string' },
        minimumEnd: { type: ['string', 'null'] },
        review: { type: ['string', 'null'] },
        end: { type: ['string', 'null'] },
        deadline: { type: 'string' },
      },
    },
    revisions: { type: 'array', items: revisionSummary },
    precedent: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, title: { type: 'string' } },
    },
  },
} as const;

/** Bans: list, revisions, create a revision from a ban file, diff, enforcement downloads. */
export function registerBanRoutes(app: FastifyInstance, { context, options }: ServerDeps): void {
  const { db } = context.store;

  app.get(
    '/api/v1/bans',
    {
      config: { access: { see: 'bans:read' } },
      schema: {
        summary: 'Every applied ban, its latest revision and its counts now',
        tags: ['bans'],
        response: {
          200: {
            type: 'object',
            properties: {
              bans: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    title: { type: 'string' },
                    revision: { type: 'integer' },
                    appliedAt: { type: 'string' },
                    appliedBy: { type: 'string' },
                    jurisdiction: { type: ['string', 'null'] },
                    period: free,
                    counts: countsSchema,
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const [latest, report] = await Promise.all([listLatestBanRevisions(db), context.compliance.report({})]);
      const counts = new Map(report.bans.map((b) => [b.id, b.counts]));
      return {
        bans: latest.map((r) => ({
          id: r.banId,
          title: r.ban.title,
          revision: r.revision,
          appliedAt: isoRequired(r.appliedAt),
          appliedBy: r.appliedBy,
          jurisdiction: r.ban.jurisdiction ?? null,
          period: r.ban.period,
          counts: counts.get(r.banId) ?? null,
        })),
      };
    },
  );

  // Ban files arrive as YAML; JSON `{ yaml }` suits clients that only speak JSON.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string', bodyLimit: 1_000_000 },
    (_request, body, done) => done(null, { yaml: body }),
  );
  app.post<{ Body: { yaml: string } }>(
    '/api/v1/bans',
    {
      config: { access: { see: 'bans:read', act: 'bans:write' } },
      schema: {
        summary: 'Apply a ban file: stores a new revision unless nothing changed',
        description:
          'Send the ban file as `application/yaml`, or `{ "yaml": "…" }` as JSON. An invalid file is refused with 422 and `problems` (code, message, line, column, path).',
        tags: ['bans'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { yaml: { type: 'string', maxLength: 1_000_000 } },
          required: ['yaml'],
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const loaded = loadBanText(request.body.yaml, 'ban.yaml', context.catalog);
      const errors = loaded.problems.filter((p) => p.severity === 'error');
      if (!loaded.ban || errors.length > 0) {
        const first = errors[0];
        const error = new AppbanError(
          (first?.code as 'BAN_INVALID_VALUE' | undefined) ?? 'BAN_INVALID_VALUE',
          `the ban file has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; first at line ${first.line}, column ${first.column}: ${first.message}` : ''}`,
        );
        Object.assign(error, { problems: loaded.problems });
        throw error;
      }
      const result = await context.compliance.applyBan(loaded.ban, { appliedBy: caller.actor });
      if (result.status !== 'unchanged') options.afterChange();
      return reply.status(result.status === 'unchanged' ? 200 : 201).send({
        status: result.status,
        banId: result.banId,
        revision: result.revision,
        previousRevision: result.previousRevision,
        changedFields: result.changedFields,
        appliedAt: isoRequired(result.appliedAt),
        before: result.before,
        after: result.after,
        warnings: loaded.problems.filter((p) => p.severity === 'warning'),
      });
    },
  );

  const detail = async (banId: string, revision: number | undefined) => {
    const stored = await requireBanRevision(db, banId, revision);
    const revisions = await listBanRevisions(db, banId);
    return presentDetail(stored, revisions);
  };

  app.get<{ Params: { id: string } }>(
    '/api/v1/bans/:id',
    {
      config: { access: { see: 'bans:read' } },
      schema: {
        summary: 'A ban: its latest revision, timeline and revisions',
        tags: ['bans'],
        params: idParams,
        response: { 200: banDetailSchema },
      },
    },
    async (request) => detail(request.params.id, undefined),
  );

  app.get<{ Params: { id: string; revision: number }; Querystring: { format?: 'json' | 'yaml' } }>(
    '/api/v1/bans/:id/revisions/:revision',
    {
      config: { access: { see: 'bans:read' } },
      schema: {
        summary: 'One revision of a ban; `format=yaml` gives the ban file',
        tags: ['bans'],
        params: {
          type: 'object',
          additionalProperties: false,
          properties: { id: banId, revision: { type: 'integer', minimum: 1 } },
          required: ['id', 'revision'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'yaml'] } },
        },
      },
    },
    async (request, reply) => {
      const { id, revision } = request.params;
      if (request.query.format === 'yaml') {
        const stored = await requireBanRevision(db, id, revision);
        return reply.type('application/yaml; charset=utf-8').send(banToYaml(stored.ban));
      }
      return detail(id, revision);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from: number; to: number } }>(
    '/api/v1/bans/:id/diff',
    {
      config: { access: { see: 'bans:read' } },
      schema: {
        summary: 'What changed between two revisions of a ban',
        tags: ['bans'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
          required: ['from', 'to'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              banId: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              changes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, before: {}, after: {} },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const [before, after] = await Promise.all([
        requireBanRevision(db, id, request.query.from),
        requireBanRevision(db, id, request.query.to),
      ]);
      const changes = diffBanDocuments(before.ban, after.ban).map((path) => ({
        path,
        before: valueAt(before.ban, path) ?? null,
        after: valueAt(after.ban, path) ?? null,
      }));
      return { banId: id, from: before.revision, to: after.revision, changes };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/bans/:id/enforcement',
    {
      config: { access: { see: 'enforce:read' } },
      schema: {
        summary: 'The enforcement artifacts the latest revision makes, per target',
        tags: ['enforcement'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              banId: { type: 'string' },
              revision: { type: 'integer' },
              targets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    target: { type: 'string' },
                    title: { type: 'string' },
                    available: { type: 'boolean' },
                    reason: { type: 'string' },
                    deployTo: { type: 'string' },
                    files: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          name: { type: 'string' },
                          mediaType: { type: 'string' },
                          description: { type: 'string' },
                          bytes: { type: 'integer' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const stored = await requireBanRevision(db, request.params.id);
      const results = generate(stored.ban, context.catalog, 'all');
      return {
        banId: stored.banId,
        revision: stored.revision,
        targets: results.map((r) => ({
          target: r.target,
          title: r.title,
          available: r.output !== undefined,
          ...(r.skipped !== undefined ? { reason: r.skipped } : {}),
          ...(r.output ? { deployTo: r.output.deployTo } : {}),
          files: (r.output?.artifacts ?? []).map((a) => ({
            name: a.fileName,
            mediaType: a.mediaType,
            description: a.description,
            bytes: Buffer.byteLength(a.content),
          })),
        })),
      };
    },
  );

  app.get<{ Params: { id: string; target: string }; Querystring: { file?: string } }>(
    '/api/v1/bans/:id/enforcement/:target',
    {
      config: { access: { see: 'enforce:read' } },
      schema: {
        summary: "Download a target's artifact for the latest revision",
        tags: ['enforcement'],
        params: {
          type: 'object',
          additionalProperties: false,
          properties: {
            id: banId,
            target: { type: 'string', enum: TARGETS.map((t) => t.name) },
          },
          required: ['id', 'target'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { file: { type: 'string', maxLength: 300 } },
        },
      },
    },
    async (request, reply) => {
      const stored = await requireBanRevision(db, request.params.id);
      const output = generate(stored.ban, context.catalog, request.params.target)[0]?.output;
      const artifacts = output?.artifacts ?? [];
      const wanted = request.query.file;
      const artifact = wanted === undefined ? artifacts[0] : artifacts.find((a) => a.fileName === wanted);
      if (!artifact) {
        throw new AppbanError(
          'NOT_FOUND',
          wanted === undefined
            ? `target ${request.params.target} wrote no file for ${stored.banId}`
            : `target ${request.params.target} has no file ${wanted}; it wrote ${artifacts.map((a) => a.fileName).join(', ')}`,
        );
      }
      const name = artifact.fileName.split('/').at(-1) ?? 'artifact';
      return reply
        .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('x-appban-revision', `${stored.revision} ${shortRevision(stored.ban)}`)
        .type(artifact.mediaType)
        .send(artifact.content);
    },
  );
}

function presentDetail(stored: StoredBanRevision, revisions: Awaited<ReturnType<typeof listBanRevisions>>) {
  const ban = stored.ban;
  const precedent = ban.precedent ? (loadPrecedents().find((p) => p.id === ban.precedent) ?? null) : null;
  return {
    id: stored.banId,
    revision: stored.revision,
    contentHash: stored.contentHash,
    appliedAt: isoRequired(stored.appliedAt),
    appliedBy: stored.appliedBy,
    ban,
    yaml: banToYaml(ban),
    timeline: timelineOf(ban),
    revisions: revisions.map((r) => ({
      revision: r.revision,
      appliedAt: isoRequired(r.appliedAt),
      appliedBy: r.appliedBy,
      contentHash: r.contentHash,
      title: r.title,
    })),
    precedent: precedent
      ? { id: precedent.id, title: `${precedent.body} (${precedent.jurisdiction}, ${precedent.announced})` }
      : null,
  };
}

function timelineOf(ban: Ban) {
  const start = parseCalendarDate(ban.period.start);
  const minimum = ban.period.minimum === undefined ? undefined : parseDuration(ban.period.minimum);
  const minimumEnd =
    start !== undefined && minimum !== undefined ? formatCalendarDate(addDuration(start, minimum)) : null;
  return {
    start: ban.period.start,
    minimumEnd,
    review: ban.period.review ?? null,
    end: ban.period.end ?? null,
    deadline: ban.removal.deadline,
  };
}

/** Reads `a.b[id].c` (the paths diffBanDocuments writes) from a document. */
function valueAt(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const match of path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)) {
    if (current === null || current === undefined) return undefined;
    if (match[2] !== undefined) {
      current = Array.isArray(current)
        ? current.find((item) => (item as { id?: unknown }).id === match[2])
        : undefined;
    } else {
      current = (current as Record<string, unknown>)[match[1] as string];
    }
  }
  return current;
}
