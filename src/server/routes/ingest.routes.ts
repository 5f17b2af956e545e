import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OWNERSHIPS } from '../../bans/ban.types.js';
import { DEVICE_PLATFORMS } from '../../catalog/catalog.types.js';
import type { IngestResult } from '../../compliance/compliance.service.js';
import { stateShownAt } from '../../compliance/engine/evaluate.js';
import { complianceSink } from '../../compliance/store-sink.js';
import { ingestFiles } from '../../inventory/ingest.service.js';
import { SOURCES } from '../../inventory/registry.js';
import { type InventorySnapshot, OBSERVED_KINDS, type ObservedApp } from '../../inventory/snapshot.types.js';
import { AppbanError, type ErrorCode } from '../../lib/errors.js';
import { listFindings } from '../../store/finding.repository.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';
import { iso } from '../present.js';

const short = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

interface CheckinBody {
  source?: string;
  device: {
    id: string;
    serial?: string;
    udid?: string;
    hardwareId?: string;
    name?: string;
    holder?: string;
    group?: string;
    ownership?: (typeof OWNERSHIPS)[number];
    platform: InventorySnapshot['device']['platform'];
    osVersion?: string;
    managementMode?: string;
  };
  observedAt?: string;
  coverage?: 'full' | 'partial';
  apps: ObservedApp[];
}

const checkinSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    source: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
    device: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: short(200),
        serial: short(100),
        udid: short(100),
        hardwareId: short(200),
        name: short(300),
        holder: short(300),
        group: short(300),
        ownership: { type: 'string', enum: [...OWNERSHIPS] },
        platform: { type: 'string', enum: [...DEVICE_PLATFORMS, 'unknown'] },
        osVersion: short(100),
        managementMode: short(100),
      },
      required: ['id', 'platform'],
    },
    observedAt: { type: 'string', format: 'date-time' },
    coverage: { type: 'string', enum: ['full', 'partial'] },
    apps: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: [...OBSERVED_KINDS] },
          value: short(500),
          name: { type: 'string', maxLength: 500 },
          version: { type: 'string', maxLength: 200 },
          publisher: { type: 'string', maxLength: 500 },
        },
        required: ['kind', 'value'],
      },
    },
  },
  required: ['device', 'apps'],
} as const;

const importSchema = {
  type: 'object',
  properties: {
    importId: { type: 'integer' },
    format: { type: 'string' },
    sniffed: { type: 'boolean' },
    snapshots: { type: 'integer' },
    devices: { type: 'integer' },
    changes: { type: 'integer' },
  },
} as const;

/**
 * Inventory in: a whole file in any supported format, or one device's check-in. Both answer only once
 * the inventory and the findings it changes are committed. Rate-limited per caller.
 */
export async function registerIngestRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { context, options } = deps;
  const rateLimit =
    options.ingestRatePerMinute > 0
      ? {
          rateLimit: {
            max: options.ingestRatePerMinute,
            timeWindow: 60_000,
            keyGenerator: (request: FastifyRequest) =>
              request.principal ? `${request.principal.actor}` : request.ip,
          },
        }
      : {};

  app.post<{ Body: CheckinBody }>(
    '/api/v1/checkin',
    {
      config: { access: { see: 'ingest:write' }, ...rateLimit },
      schema: {
        summary: "One device's inventory, from an agent or an MDM webhook",
        description:
          "Answers once the inventory and the findings it changes are committed, with the device's findings. `coverage: partial` (evidence of some apps only) can show a violation but never prove compliance.",
        tags: ['inventory'],
        body: checkinSchema,
        response: {
          200: {
            type: 'object',
            properties: {
              importId: { type: 'integer' },
              deviceId: { type: 'integer' },
              findings: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    banId: { type: 'string' },
                    state: { type: 'string' },
                    since: { type: 'string' },
                    deadline: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const body = request.body;
      const now = context.now();
      const observedAt = body.observedAt === undefined ? now : Date.parse(body.observedAt);
      if (!Number.isFinite(observedAt)) throw new AppbanError('USAGE', 'observedAt is not a valid instant');
      if (observedAt > now + 5 * 60_000) {
        throw new AppbanError('USAGE', 'observedAt is in the future; check the clock of the device or agent');
      }
      const d = body.device;
      const snapshot: InventorySnapshot = {
        source: body.source ?? 'checkin',
        device: {
          sourceDeviceId: d.id,
          platform: d.platform,
          ...(d.serial === undefined ? {} : { serial: d.serial }),
          ...(d.udid === undefined ? {} : { udid: d.udid }),
          ...(d.hardwareId === undefined ? {} : { hardwareId: d.hardwareId }),
          ...(d.name === undefined ? {} : { name: d.name }),
          ...(d.holder === undefined ? {} : { holder: d.holder }),
          ...(d.group === undefined ? {} : { group: d.group }),
          ...(d.ownership === undefined ? {} : { ownership: d.ownership }),
          ...(d.osVersion === undefined ? {} : { osVersion: d.osVersion }),
          ...(d.managementMode === undefined ? {} : { managementMode: d.managementMode }),
        },
        observedAt: new Date(observedAt).toISOString(),
        apps: body.apps,
        coverage: body.coverage ?? 'full',
      };
      const result = await context.compliance.ingest([snapshot], {
        format: 'checkin',
        actor: caller.actor,
        ...(body.source === undefined ? {} : { sourceLabel: body.source }),
      });
      options.afterChange();
      const deviceId = result.deviceIds[0] as number;
      const findings = await listFindings(context.store.db, { deviceId });
      const at = context.now();
      return {
        importId: result.importId,
        deviceId,
        findings: findings.map((f) => ({
          banId: f.banId,
          state: stateShownAt(f.state, f.deadline, at),
          since: iso(f.since),
          deadline: iso(f.deadline),
        })),
      };
    },
  );

  await app.register(async (scope) => {
    // The file is streamed to disk as it arrives, whatever its content type, and parsed from there
    // by the same code as `appban ingest`: memory stays flat however large the file.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { bodyLimit: options.uploadLimit }, (_request, payload, done) =>
      done(null, payload),
    );
    scope.post<{ Querystring: { format?: string; source?: string; filename?: string } }>(
      '/api/v1/inventory',
      {
        bodyLimit: options.uploadLimit,
        config: { access: { see: 'ingest:write' }, ...rateLimit },
        schema: {
          summary: 'Import one inventory file in any supported format; all or nothing',
          description: `Send the file as the request body. \`format\` is \`auto\` (sniffed from the content) or one of: ${SOURCES.map((s) => s.name).join(', ')}.`,
          tags: ['inventory'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              format: { type: 'string', enum: ['auto', ...SOURCES.map((s) => s.name)] },
              source: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
              filename: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
            },
          },
          response: { 200: importSchema },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const body = request.body as NodeJS.ReadableStream | undefined;
        if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
          throw new AppbanError('USAGE', 'send the inventory file as the request body');
        }
        const dir = await mkdtemp(join(tmpdir(), 'appban-upload-'));
        const name = request.query.filename ?? 'inventory';
        const path = join(dir, name);
        try {
          await pipeline(body, limitBytes(options.uploadLimit), createWriteStream(path));
          const results: IngestResult[] = [];
          const sink = complianceSink(context.compliance, {
            sourceLabel: request.query.source,
            actor: caller.actor,
            results,
          });
          const [outcome] = await ingestFiles([path], sink, { format: request.query.format ?? 'auto' });
          if (!outcome?.ok || !results[0]) {
            const error = outcome?.error;
            const where =
              error?.line !== undefined ? ` (line ${error.line})` : error?.path ? ` (${error.path})` : '';
            throw new AppbanError(
              (error?.code as ErrorCode | undefined) ?? 'PARSE_ERROR',
              `${(error?.message ?? 'the file could not be imported').split(dir).join('')}${where}; nothing from it was imported`,
            );
          }
          options.afterChange();
          return {
            importId: results[0].importId,
            format: outcome.format,
            sniffed: outcome.sniffed,
            snapshots: results[0].snapshots,
            devices: results[0].devices,
            changes: results[0].changes,
          };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

function limitBytes(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) {
        callback(new AppbanError('INPUT_TOO_LARGE', `the inventory file is larger than ${limit} bytes`));
      } else callback(null, chunk);
    },
  });
}
