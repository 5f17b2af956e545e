import { type ExpressionBuilder, sql } from 'kysely';
import type { InventorySnapshot } from '../inventory/snapshot.types.js';
import { parseInstant } from '../lib/dates.js';
import { AppbanError } from '../lib/errors.js';
import { packAppIds, packedCount, unpackAppIds, unpackAppIdsInto } from './app-id-pack.js';
import { identityKey, internAppIdentities } from './app-identity.repository.js';
import {
  type Device,
  type DeviceMatch,
  deviceRowToDevice,
  lockDeviceIdentities,
  resolveDevice,
} from './device.repository.js';
import { capabilitiesOf, rowsPerInsert } from './dialect.js';
import type { Executor, Trx } from './executor.js';
import type { Database, ImportRow, ImportStatus, SnapshotCoverage, SnapshotRow } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Imports

export interface ImportRecord {
  id: number;
  file: string | null;
  format: string | null;
  sourceLabel: string | null;
  status: ImportStatus;
  snapshotCount: number;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
}

export function importRowToImport(row: ImportRow): ImportRecord {
  return {
    id: row.id,
    file: row.file,
    format: row.format,
    sourceLabel: row.source_label,
    status: row.status,
    snapshotCount: row.snapshot_count,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/**
 * Records an import: inside the transaction that stores its snapshots, or, for an import that failed,
 * afterwards, followed by `failImport`.
 */
export async function startImport(
  db: Executor,
  input: { file?: string; format?: string; sourceLabel?: string; startedAt: number },
): Promise<number> {
  const row = await db
    .insertInto('imports')
    .values({
      file: input.file ?? null,
      format: input.format ?? null,
      source_label: input.sourceLabel ?? null,
      status: 'running',
      snapshot_count: 0,
      started_at: input.startedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks an import complete, inside the transaction that stored its snapshots. */
export async function completeImport(
  trx: Trx,
  id: number,
  result: { snapshotCount: number; finishedAt: number; format?: string },
): Promise<void> {
  await trx
    .updateTable('imports')
    .set({
      status: 'completed',
      snapshot_count: result.snapshotCount,
      finished_at: result.finishedAt,
      ...(result.format === undefined ? {} : { format: result.format }),
    })
    .where('id', '=', id)
    .execute();
}

/** Marks an import failed; `error` is the public message (an AppbanError's), never a driver message. */
export async function failImport(db: Executor, id: number, failure: { error: string; finishedAt: number }) {
  await db
    .updateTable('imports')
    .set({ status: 'failed', error: failure.error, finished_at: failure.finishedAt, snapshot_count: 0 })
    .where('id', '=', id)
    .execute();
}

export async function getImport(db: Executor, id: number): Promise<ImportRecord | undefined> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && importRowToImport(row);
}

export async function listImports(db: Executor, options: { limit?: number } = {}): Promise<ImportRecord[]> {
  const rows = await db
    .selectFrom('imports')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
  return rows.map(importRowToImport);
}

// ---------------------------------------------------------------------------------------------
// Storing snapshots

export interface SnapshotContext {
  importedAt: number;
  importId?: number;
  /** `--source` label, e.g. `fleet-eu`. */
  sourceLabel?: string;
}

export interface StoredSnapshot {
  snapshotId: number;
  deviceId: number;
  /** How the device was recognised; null when the snapshot created it. */
  matchedBy: DeviceMatch | null;
  observedAt: number;
  coverage: SnapshotCoverage;
  /** Distinct app identities stored for it. */
  appCount: number;
  /** Its app identity ids, ascending: what re-evaluating the device needs, without reading it back. */
  appIds: Int32Array;
}

/** The observation time of a snapshot, in epoch ms; a malformed one is the parser's PARSE_ERROR. */
export function snapshotObservedAt(snapshot: InventorySnapshot): number {
  const ms = parseInstant(snapshot.observedAt);
  if (ms === undefined) {
    throw new AppbanError(
      'PARSE_ERROR',
      `The snapshot of device ${snapshot.device.sourceDeviceId} has an observation time that is not an ISO 8601 instant: ${JSON.stringify(snapshot.observedAt)}.`,
    );
  }
  return ms;
}

/**
 * Stores snapshots with their devices (resolved across sources) and their apps (interned). Takes the
 * caller's transaction: one file is all or nothing, so the caller commits once per file and hands
 * the snapshots over a few hundred at a time as it parses them.
 */
export async function storeSnapshots(
  trx: Trx,
  snapshots: readonly InventorySnapshot[],
  context: SnapshotContext,
): Promise<StoredSnapshot[]> {
  if (snapshots.length === 0) return [];
  const observedAts = snapshots.map(snapshotObservedAt);
  const identityIds = await internAppIdentities(
    trx,
    snapshots.flatMap((snapshot) => snapshot.apps.map(({ kind, value }) => ({ kind, value }))),
  );
  const stored: StoredSnapshot[] = [];
  const appRows: Database['snapshot_apps'][] = [];
  const identitiesLocked = await lockDeviceIdentities(trx, snapshots);
  for (const [index, snapshot] of snapshots.entries()) {
    const observedAt = observedAts[index] as number;
    const { deviceId, matchedBy } = await resolveDevice(
      trx,
      { source: snapshot.source, device: snapshot.device, observedAt, importedAt: context.importedAt },
      { identitiesLocked },
    );
    // One row per distinct identity; the first occurrence's name and version are kept.
    const apps = new Map<number, { name: string | null; version: string | null }>();
    for (const app of snapshot.apps) {
      const appIdentityId = identityIds.get(identityKey(app.kind, app.value));
      // Interning just stored every identity; a miss would be a defect, not bad input.
      if (appIdentityId === undefined) throw new AppbanError('INTERNAL', 'An app identity was not interned.');
      if (!apps.has(appIdentityId)) {
        apps.set(appIdentityId, { name: app.name?.trim() || null, version: app.version?.trim() || null });
      }
    }
    const packed = packAppIds([...apps.keys()]);
    const { id: snapshotId } = await trx
      .insertInto('snapshots')
      .values({
        device_id: deviceId,
        source: snapshot.source,
        source_device_id: snapshot.device.sourceDeviceId,
        source_label: context.sourceLabel ?? null,
        observed_at: observedAt,
        imported_at: context.importedAt,
        coverage: snapshot.coverage,
        import_id: context.importId ?? null,
        app_ids: packed,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [appIdentityId, { name, version }] of apps) {
      appRows.push({ snapshot_id: snapshotId, app_identity_id: appIdentityId, name, version });
    }
    stored.push({
      snapshotId,
      deviceId,
      matchedBy,
      observedAt,
      coverage: snapshot.coverage,
      appCount: apps.size,
      appIds: unpackAppIds(packed),
    });
  }
  await insertSnapshotApps(trx, appRows);
  return stored;
}

async function insertSnapshotApps(trx: Trx, rows: Database['snapshot_apps'][]): Promise<void> {
  if (rows.length === 0) return;
  if (capabilitiesOf(trx).arrayParameters) {
    // Four array parameters instead of four per row: one statement, far less to bind and parse.
    await sql`insert into snapshot_apps (snapshot_id, app_identity_id, name, version)
      select * from unnest(
        ${rows.map((r) => r.snapshot_id)}::bigint[], ${rows.map((r) => r.app_identity_id)}::int[],
        ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.version)}::text[])`.execute(trx);
    return;
  }
  const chunk = rowsPerInsert(trx, 4);
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto('snapshot_apps')
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

/** One snapshot; see storeSnapshots. */
export async function storeSnapshot(
  trx: Trx,
  snapshot: InventorySnapshot,
  context: SnapshotContext,
): Promise<StoredSnapshot> {
  const [stored] = await storeSnapshots(trx, [snapshot], context);
  if (!stored) throw new AppbanError('INTERNAL', 'A snapshot was not stored.');
  return stored;
}

// ---------------------------------------------------------------------------------------------
// Reading snapshots

export interface SnapshotRecord {
  id: number;
  deviceId: number;
  source: string;
  sourceDeviceId: string;
  sourceLabel: string | null;
  observedAt: number;
  importedAt: number;
  coverage: SnapshotCoverage;
  importId: number | null;
}

export function snapshotRowToSnapshot(row: SnapshotRow): SnapshotRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    source: row.source,
    sourceDeviceId: row.source_device_id,
    sourceLabel: row.source_label,
    observedAt: row.observed_at,
    importedAt: row.imported_at,
    coverage: row.coverage,
    importId: row.import_id,
  };
}

export interface SnapshotApp {
  identityId: number;
  kind: string;
  value: string;
  name: string | null;
  version: string | null;
}

export async function getSnapshot(db: Executor, id: number): Promise<SnapshotRecord | undefined> {
  const row = await db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();
  return row && snapshotRowToSnapshot(row);
}

/** The apps of one snapshot, ordered by kind and value. */
export async function getSnapshotApps(db: Executor, snapshotId: number): Promise<SnapshotApp[]> {
  const rows = await db
    .selectFrom('snapshot_apps as sa')
    .innerJoin('app_identities as ai', 'ai.id', 'sa.app_identity_id')
    .select(['ai.id as identityId', 'ai.kind', 'ai.value', 'sa.name', 'sa.version'])
    .where('sa.snapshot_id', '=', snapshotId)
    .orderBy('ai.kind')
    .orderBy('ai.value')
    .execute();
  return rows;
}

/** A device's snapshots, newest observation first, optionally within `[from, to]` (inclusive). */
export async function listDeviceSnapshots(
  db: Executor,
  deviceId: number,
  options: { from?: number; to?: number; limit?: number } = {},
): Promise<SnapshotRecord[]> {
  let query = db
    .selectFrom('snapshots')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('observed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100);
  if (options.from !== undefined) query = query.where('observed_at', '>=', options.from);
  if (options.to !== undefined) query = query.where('observed_at', '<=', options.to);
  return (await query.execute()).map(snapshotRowToSnapshot);
}

/** The sorted app identity ids of each snapshot (empty for an unknown id). */
export async function loadSnapshotAppIds(
  db: Executor,
  snapshotIds: readonly number[],
): Promise<Map<number, Int32Array>> {
  const out = new Map<number, Int32Array>();
  for (let i = 0; i < snapshotIds.length; i += 1000) {
    const rows = await db
      .selectFrom('snapshots')
      .select(['id', 'app_ids'])
      .where('id', 'in', snapshotIds.slice(i, i + 1000))
      .execute();
    for (const row of rows) out.set(row.id, unpackAppIds(row.app_ids));
  }
  for (const id of snapshotIds) if (!out.has(id)) out.set(id, new Int32Array(0));
  return out;
}

/** The latest snapshot of a device as of an instant, in the compact form evaluation uses. */
export interface LatestSnapshot {
  id: number;
  observedAt: number;
  coverage: SnapshotCoverage;
  source: string;
}

/**
 * A page of the fleet as evaluation needs it: devices in id order, each with its latest snapshot
 * (or null) and that snapshot's app identity ids, packed: the apps of `devices[i]` are
 * `appIds.subarray(appOffsets[i], appOffsets[i + 1])`, sorted ascending.
 */
export interface FleetPage {
  devices: Device[];
  snapshots: Array<LatestSnapshot | null>;
  appOffsets: Uint32Array;
  appIds: Int32Array;
}

export interface LoadLatestOptions {
  /** The instant (epoch ms): only snapshots observed at or before it count. */
  at: number;
  /** `full` ignores partial snapshots, to find the last one that can prove compliance. Default `any`. */
  coverage?: 'any' | 'full';
  /** Only these devices (single-device re-evaluation). */
  deviceIds?: readonly number[];
  /** Devices per page (default 5000). */
  pageSize?: number;
  /** Resume after this device id. */
  afterDeviceId?: number;
}

/**
 * The latest snapshot of every device as of `at`, page by page, so that a million devices stream
 * through in bounded memory. "Latest" is by observation time, then by id: an older export imported
 * later never displaces a newer observation.
 */
export async function* loadLatestSnapshots(
  db: Executor,
  options: LoadLatestOptions,
): AsyncGenerator<FleetPage> {
  const pageSize = options.pageSize ?? 5000;
  const wanted = options.deviceIds ? [...new Set(options.deviceIds)].sort((a, b) => a - b) : undefined;
  let after = options.afterDeviceId ?? 0;
  for (;;) {
    let devicesQuery = db
      .selectFrom('devices')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize);
    if (wanted) {
      const slice = wanted.filter((id) => id > after).slice(0, pageSize);
      if (slice.length === 0) return;
      devicesQuery = devicesQuery.where('id', 'in', slice);
    }
    const deviceRows = await devicesQuery.execute();
    const first = deviceRows[0];
    const last = deviceRows.at(-1);
    if (!first || !last) return;
    const snapshotRows = await db
      .selectFrom('snapshots as s')
      .select(['s.id', 's.device_id', 's.observed_at', 's.coverage', 's.source', 's.app_ids'])
      .where('s.device_id', '>=', first.id)
      .where('s.device_id', '<=', last.id)
      .where('s.id', '=', (eb) => latestSnapshotId(eb, options.at, options.coverage ?? 'any'))
      .execute();
    const byDevice = new Map(snapshotRows.map((row) => [row.device_id, row]));
    const snapshots: Array<LatestSnapshot | null> = [];
    const appOffsets = new Uint32Array(deviceRows.length + 1);
    let total = 0;
    for (const [i, device] of deviceRows.entries()) {
      const row = byDevice.get(device.id);
      snapshots.push(
        row ? { id: row.id, observedAt: row.observed_at, coverage: row.coverage, source: row.source } : null,
      );
      total += row ? packedCount(row.app_ids) : 0;
      appOffsets[i + 1] = total;
    }
    const appIds = new Int32Array(total);
    for (const [i, snapshot] of snapshots.entries()) {
      const row = snapshot && byDevice.get(deviceRows[i]?.id ?? -1);
      if (row) unpackAppIdsInto(row.app_ids, appIds, appOffsets[i] ?? 0);
    }
    yield { devices: deviceRows.map(deviceRowToDevice), snapshots, appOffsets, appIds };
    if (deviceRows.length < pageSize && !wanted) return;
    after = last.id;
  }
}

/** The id of the latest snapshot of the outer query's device `s` observed at or before `at`. */
export function latestSnapshotId(
  eb: ExpressionBuilder<Database & { s: Database['snapshots'] }, 's'>,
  at: number,
  coverage: 'any' | 'full' = 'any',
) {
  let query = eb
    .selectFrom('snapshots as s2')
    .select('s2.id')
    .whereRef('s2.device_id', '=', 's.device_id')
    .where('s2.observed_at', '<=', at)
    .orderBy('s2.observed_at', 'desc')
    .orderBy('s2.id', 'desc')
    .limit(1);
  if (coverage === 'full') query = query.where('s2.coverage', '=', 'full');
  return query;
}

/** How many snapshots the store holds. */
export async function countSnapshots(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('snapshots')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
