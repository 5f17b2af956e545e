import type { FastifyInstance } from 'fastify';
import { OWNERSHIPS } from '../../bans/ban.types.js';
import { DEVICE_PLATFORMS } from '../../catalog/catalog.types.js';
import { stateShownAt } from '../../compliance/engine/evaluate.js';
import { COMPLIANCE_STATES, type ComplianceState } from '../../compliance/engine/states.js';
import { AppbanError } from '../../lib/errors.js';
import { type Device, getDevice, listDeviceSources } from '../../store/device.repository.js';
import type { Executor } from '../../store/executor.js';
import {
  type Finding,
  listFindings,
  type MatchedApp,
  type StoredFindingChange,
} from '../../store/finding.repository.js';
import { recentDeviceHistory } from '../../store/queries/device-history.query.js';
import {
  countDevicesMatching,
  currentFindingsOf,
  listDevicePage,
} from '../../store/queries/device-list.query.js';
import { type FindingCursor, listFindingPage } from '../../store/queries/finding-list.query.js';
import { getSnapshotApps, listDeviceSnapshots } from '../../store/snapshot.repository.js';
import type { ServerDeps } from '../app.js';
import { iso, isoRequired } from '../present.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const HISTORY_LIMIT = 500;

const banId = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9._-]*$' } as const;
const state = { type: 'string', enum: [...COMPLIANCE_STATES] } as const;
const group = { type: 'string', maxLength: 300 } as const;
const limit = { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } as const;
/** `?platform=ios,android` or `?platform=ios&platform=android`; split and checked by the handler. */
const listOfNames = {
  type: 'array',
  maxItems: 20,
  items: { type: 'string', maxLength: 100 },
} as const;
const nullableString = { type: ['string', 'null'] } as const;
const free = { type: 'object', additionalProperties: true } as const;

const deviceStateSchema = {
  type: 'object',
  properties: { banId: { type: 'string' }, state: { type: 'string' }, deadline: nullableString },
  required: ['banId', 'state', 'deadline'],
} as const;

const deviceSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: nullableString,
    holder: nullableString,
    group: nullableString,
    ownership: { type: 'string' },
    platform: { type: 'string' },
    osVersion: nullableString,
    lastSeenAt: { type: 'string' },
    states: { type: 'array', items: deviceStateSchema },
  },
  required: ['id', 'name', 'holder', 'group', 'ownership', 'platform', 'osVersion', 'lastSeenAt', 'states'],
} as const;

const matchedAppSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    value: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    appId: { type: 'string' },
  },
  required: ['kind', 'value'],
} as const;

const deviceDetailSchema = {
  type: 'object',
  properties: {
    device: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: nullableString,
        holder: nullableString,
        group: nullableString,
        ownership: { type: 'string' },
        platform: { type: 'string' },
        osVersion: nullableString,
        managementMode: nullableString,
        serial: nullableString,
        firstSeenAt: { type: 'string' },
        lastSeenAt: { type: 'string' },
      },
    },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: { source: { type: 'string' }, sourceDeviceId: { type: 'string' } },
      },
    },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string' },
          value: { type: 'string' },
          name: nullableString,
          version: nullableString,
          banned: { type: 'boolean' },
          appId: { type: 'string' },
        },
        required: ['kind', 'value', 'name', 'version', 'banned'],
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          banId: { type: 'string' },
          revision: { type: 'integer' },
          state: { type: 'string' },
          since: { type: 'string' },
          deadline: nullableString,
          apps: { type: 'array', items: { type: 'string' } },
          matched: { type: 'array', items: matchedAppSchema },
        },
      },
    },
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          banId: { type: 'string' },
          revision: { type: 'integer' },
          from: nullableString,
          to: { type: 'string' },
          at: { type: 'string' },
          evidence: free,
        },
      },
    },
  },
  required: ['device', 'sources', 'apps', 'findings', 'history'],
} as const;

const findingSummarySchema = {
  type: 'object',
  properties: {
    deviceId: { type: 'integer' },
    deviceName: nullableString,
    holder: nullableString,
    group: nullableString,
    banId: { type: 'string' },
    state: { type: 'string' },
    since: { type: 'string' },
    deadline: nullableString,
    apps: { type: 'array', items: { type: 'string' } },
  },
  required: ['deviceId', 'deviceName', 'holder', 'group', 'banId', 'state', 'since', 'deadline', 'apps'],
} as const;

interface DevicesQuery {
  search?: string;
  group?: string;
  ownership?: string[];
  platform?: string[];
  state?: ComplianceState;
  ban?: string;
  limit: number;
  after?: number;
}

interface FindingsQuery {
  ban?: string;
  state?: ComplianceState;
  group?: string;
  limit: number;
  after?: string;
}

/** Devices, one device in full, and the findings list: what the dashboard's device pages read. */
export function registerDeviceRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  const { db } = context.store;

  app.get<{ Querystring: DevicesQuery }>(
    '/api/v1/devices',
    {
      config: { access: { see: 'devices:read' } },
      schema: {
        summary: 'Devices that match the filters, a page at a time',
        description:
          'Keyset paging by device id: pass the `nextAfter` of a page as `after` to get the next; it is null on the ' +
          'last page. `total` counts every device that matches. `ownership` and `platform` take several values, ' +
          'comma-separated or repeated. `state` keeps devices with a current finding in that state (`violating`: ' +
          'not yet overdue), under `ban` when given; `ban` alone keeps the devices evaluated under that ban.',
        tags: ['devices'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            search: { type: 'string', maxLength: 200 },
            group,
            ownership: listOfNames,
            platform: listOfNames,
            state,
            ban: banId,
            limit,
            after: { type: 'integer', minimum: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              devices: { type: 'array', items: deviceSummarySchema },
              total: { type: 'integer' },
              nextAfter: { type: ['integer', 'null'] },
            },
            required: ['devices', 'total', 'nextAfter'],
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const now = context.now();
      const filter = {
        now,
        ...(q.search ? { search: q.search } : {}),
        ...(q.group ? { group: q.group } : {}),
        ...(q.ownership ? { ownership: namesIn(q.ownership, OWNERSHIPS, 'ownership') } : {}),
        ...(q.platform
          ? { platform: namesIn(q.platform, [...DEVICE_PLATFORMS, 'unknown'] as const, 'platform') }
          : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.ban ? { banId: q.ban } : {}),
      };
      const [page, total] = await Promise.all([
        listDevicePage(db, filter, {
          limit: q.limit,
          ...(q.after === undefined ? {} : { afterId: q.after }),
        }),
        countDevicesMatching(db, filter),
      ]);
      const findings = await currentFindingsOf(
        db,
        page.devices.map((d) => d.id),
      );
      const byDevice = new Map<number, Finding[]>();
      for (const finding of findings) {
        const list = byDevice.get(finding.deviceId);
        if (list) list.push(finding);
        else byDevice.set(finding.deviceId, [finding]);
      }
      return {
        devices: page.devices.map((device) => presentSummary(device, byDevice.get(device.id) ?? [], now)),
        total,
        nextAfter: page.nextAfter,
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/devices/:id',
    {
      config: { access: { see: 'devices:read' } },
      schema: {
        summary: 'One device: its sources, the apps of its latest inventory, its findings and their history',
        description:
          'History is newest first, at most 500 changes, up to now (changes the clock will bring later, such as ' +
          'a deadline passing, are not shown). An app is `banned` when a current finding matched it.',
        tags: ['devices'],
        params: {
          type: 'object',
          additionalProperties: false,
          properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
          required: ['id'],
        },
        response: { 200: deviceDetailSchema },
      },
    },
    async (request) => {
      const now = context.now();
      const device = await getDevice(db, request.params.id);
      if (!device) throw new AppbanError('NOT_FOUND', `there is no device ${request.params.id}`);
      const [sources, findings, history, apps] = await Promise.all([
        listDeviceSources(db, device.id),
        listFindings(db, { deviceId: device.id }),
        recentDeviceHistory(db, device.id, { asOf: now, limit: HISTORY_LIMIT }),
        latestApps(db, device.id),
      ]);
      const matched = new Map<string, MatchedApp>();
      for (const finding of findings) for (const m of finding.matched) matched.set(appKey(m), m);
      return {
        device: presentDevice(device),
        sources,
        apps: apps.map((a) => {
          const hit = matched.get(appKey(a));
          return {
            kind: a.kind,
            value: a.value,
            name: a.name,
            version: a.version,
            banned: hit !== undefined,
            ...(hit?.appId === undefined ? {} : { appId: hit.appId }),
          };
        }),
        findings: findings.map((f) => ({
          banId: f.banId,
          revision: f.revision,
          state: stateShownAt(f.state, f.deadline, now),
          since: isoRequired(f.since),
          deadline: iso(f.deadline),
          apps: appNames(f.matched),
          matched: f.matched,
        })),
        history: presentHistory(history),
      };
    },
  );

  app.get<{ Querystring: FindingsQuery }>(
    '/api/v1/findings',
    {
      config: { access: { see: 'devices:read' } },
      schema: {
        summary: 'Current findings that match the filters, a page at a time',
        description:
          'Ordered by ban id, then device id. Pass the `nextAfter` of a page as `after` to get the next; it is null ' +
          'on the last page. With `ban`, `nextAfter` is the last device id (an integer); without, it is an opaque ' +
          'string cursor over (ban, device). `state` is the state shown now (`violating`: not yet overdue); ' +
          '`group` keeps devices in that group or below it.',
        tags: ['devices'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ban: banId,
            state,
            group,
            limit,
            after: { type: 'string', minLength: 1, maxLength: 300 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              findings: { type: 'array', items: findingSummarySchema },
              nextAfter: { type: ['integer', 'string', 'null'] },
            },
            required: ['findings', 'nextAfter'],
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const now = context.now();
      const after = q.after === undefined ? undefined : decodeCursor(q.after, q.ban);
      const page = await listFindingPage(
        db,
        {
          now,
          ...(q.ban ? { banId: q.ban } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.group ? { group: q.group } : {}),
        },
        { limit: q.limit, ...(after ? { after } : {}) },
      );
      return {
        findings: page.findings.map((f) => ({
          deviceId: f.deviceId,
          deviceName: f.deviceName,
          holder: f.holder,
          group: f.group,
          banId: f.banId,
          state: stateShownAt(f.state, f.deadline, now),
          since: isoRequired(f.since),
          deadline: iso(f.deadline),
          apps: appNames(f.matched),
        })),
        nextAfter: page.next === null ? null : q.ban ? page.next.deviceId : encodeCursor(page.next),
      };
    },
  );
}

/** Splits comma-separated and repeated values and checks each against the allowed names. */
function namesIn<T extends string>(values: readonly string[], allowed: readonly T[], field: string): T[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new AppbanError('USAGE', `${field} ${JSON.stringify(name)} is not one of ${allowed.join(', ')}`);
    }
  }
  return names as T[];
}

function encodeCursor(cursor: FindingCursor): string {
  return Buffer.from(JSON.stringify([cursor.banId, cursor.deviceId])).toString('base64url');
}

function decodeCursor(text: string, banId: string | undefined): FindingCursor {
  if (banId !== undefined) {
    if (!/^\d{1,10}$/.test(text))
      throw new AppbanError('USAGE', 'with ban, after is the last device id seen');
    return { banId, deviceId: Number(text) };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    !Number.isSafeInteger(decoded[1])
  ) {
    throw new AppbanError('USAGE', 'after is not a cursor this server gave (pass nextAfter back as it is)');
  }
  return { banId: decoded[0], deviceId: decoded[1] as number };
}

async function latestApps(db: Executor, deviceId: number) {
  const [latest] = await listDeviceSnapshots(db, deviceId, { limit: 1 });
  return latest ? getSnapshotApps(db, latest.id) : [];
}

function appKey(app: { kind: string; value: string }): string {
  return `${app.kind}\u0000${app.value}`;
}

/** One name per matched app: the catalog's name when known, else the identifier. */
function appNames(matched: readonly MatchedApp[]): string[] {
  return [...new Set(matched.map((m) => m.name ?? m.value))].sort();
}

function presentDevice(device: Device) {
  return {
    id: device.id,
    name: device.name,
    holder: device.holder,
    group: device.group,
    ownership: device.ownership,
    platform: device.platform,
    osVersion: device.osVersion,
    managementMode: device.managementMode,
    serial: device.serial,
    firstSeenAt: isoRequired(device.firstSeenAt),
    lastSeenAt: isoRequired(device.lastSeenAt),
  };
}

function presentSummary(device: Device, findings: readonly Finding[], now: number) {
  return {
    id: device.id,
    name: device.name,
    holder: device.holder,
    group: device.group,
    ownership: device.ownership,
    platform: device.platform,
    osVersion: device.osVersion,
    lastSeenAt: isoRequired(device.lastSeenAt),
    states: findings.map((f) => ({
      banId: f.banId,
      state: stateShownAt(f.state, f.deadline, now),
      deadline: iso(f.deadline),
    })),
  };
}

/**
 * History rows as they were shown: the store keeps `overdue` as `violating` (the evidence says
 * which), so a change's `from` is the previous change's shown state when the page holds it.
 */
function presentHistory(newestFirst: readonly StoredFindingChange[]) {
  const shown = (c: StoredFindingChange): string => {
    const state = c.evidence.state;
    return typeof state === 'string' ? state : c.to;
  };
  const lastShown = new Map<string, string>();
  const oldestFirst = [...newestFirst].reverse().map((change) => {
    const from = lastShown.get(change.banId) ?? change.from;
    lastShown.set(change.banId, shown(change));
    return {
      banId: change.banId,
      revision: change.revision,
      from,
      to: shown(change),
      at: isoRequired(change.at),
      evidence: change.evidence,
    };
  });
  return oldestFirst.reverse();
}
