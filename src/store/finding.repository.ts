import { sql } from 'kysely';
import { rowsPerInsert } from './dialect.js';
import type { Executor, Trx } from './executor.js';
import { parseJsonColumn } from './json-column.js';
import type { FindingHistoryRow, FindingRow, FindingState } from './schema.js';

/** An app that made a device violate a ban. */
export interface MatchedApp {
  kind: string;
  value: string;
  name?: string;
  version?: string;
  /** The catalog app it belongs to, e.g. `tiktok`. */
  appId?: string;
}

export interface Finding {
  deviceId: number;
  banId: string;
  revision: number;
  state: FindingState;
  since: number;
  deadline: number | null;
  matched: MatchedApp[];
  snapshotId: number | null;
  evaluatedAt: number;
}

export interface FindingChange {
  deviceId: number;
  banId: string;
  revision: number;
  /** null for the first finding of a device under a ban. */
  from: FindingState | null;
  to: FindingState;
  /** The observation time that showed the change. */
  at: number;
  snapshotId: number | null;
  /** Whatever explains the change: matched apps, deadline, exception id, … */
  evidence: Record<string, unknown>;
}

export interface StoredFindingChange extends FindingChange {
  id: number;
}

export function findingRowToFinding(row: FindingRow): Finding {
  return {
    deviceId: row.device_id,
    banId: row.ban_id,
    revision: row.revision,
    state: row.state,
    since: row.since,
    deadline: row.deadline,
    matched: parseJsonColumn<MatchedApp[]>(row.matched, 'findings', 'matched'),
    snapshotId: row.snapshot_id,
    evaluatedAt: row.evaluated_at,
  };
}

export function historyRowToChange(row: FindingHistoryRow): StoredFindingChange {
  return {
    id: row.id,
    deviceId: row.device_id,
    banId: row.ban_id,
    revision: row.revision,
    from: row.from_state,
    to: row.to_state,
    at: row.at,
    snapshotId: row.snapshot_id,
    evidence: parseJsonColumn<Record<string, unknown>>(row.evidence, 'finding_history', 'evidence'),
  };
}

/**
 * Writes the current findings, replacing those of the same (device, ban). Takes a transaction: a
 * finding and the history entry that explains it commit together.
 */
export async function upsertFindings(trx: Trx, findings: readonly Finding[]): Promise<void> {
  const chunk = rowsPerInsert(trx, 9, 2000);
  for (let i = 0; i < findings.length; i += chunk) {
    await trx
      .insertInto('findings')
      .values(
        findings.slice(i, i + chunk).map((f) => ({
          device_id: f.deviceId,
          ban_id: f.banId,
          revision: f.revision,
          state: f.state,
          since: f.since,
          deadline: f.deadline,
          matched: JSON.stringify(f.matched),
          snapshot_id: f.snapshotId,
          evaluated_at: f.evaluatedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['device_id', 'ban_id']).doUpdateSet((eb) => ({
          revision: eb.ref('excluded.revision'),
          state: eb.ref('excluded.state'),
          since: eb.ref('excluded.since'),
          deadline: eb.ref('excluded.deadline'),
          matched: eb.ref('excluded.matched'),
          snapshot_id: eb.ref('excluded.snapshot_id'),
          evaluated_at: eb.ref('excluded.evaluated_at'),
        })),
      )
      .execute();
  }
}

/** Removes the current findings of a ban (a ban withdrawn) or of one device under it. */
export async function deleteFindings(
  trx: Executor,
  where: { banId: string; deviceId?: number },
): Promise<number> {
  let query = trx.deleteFrom('findings').where('ban_id', '=', where.banId);
  if (where.deviceId !== undefined) query = query.where('device_id', '=', where.deviceId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Appends changes to the history; the history is never updated in place. */
export async function appendFindingHistory(trx: Trx, changes: readonly FindingChange[]): Promise<void> {
  const chunk = rowsPerInsert(trx, 8, 2000);
  for (let i = 0; i < changes.length; i += chunk) {
    await trx
      .insertInto('finding_history')
      .values(
        changes.slice(i, i + chunk).map((c) => ({
          device_id: c.deviceId,
          ban_id: c.banId,
          revision: c.revision,
          from_state: c.from,
          to_state: c.to,
          at: c.at,
          snapshot_id: c.snapshotId,
          evidence: JSON.stringify(c.evidence),
        })),
      )
      .execute();
  }
}

export async function getFinding(
  db: Executor,
  deviceId: number,
  banId: string,
): Promise<Finding | undefined> {
  const row = await db
    .selectFrom('findings')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('ban_id', '=', banId)
    .executeTakeFirst();
  return row && findingRowToFinding(row);
}

export interface FindingFilter {
  banId?: string;
  deviceId?: number;
  states?: readonly FindingState[];
  /** Keyset paging over (device id, ban id). */
  after?: { deviceId: number; banId: string };
  limit?: number;
}

/** Current findings ordered by device then ban. */
export async function listFindings(db: Executor, filter: FindingFilter = {}): Promise<Finding[]> {
  let query = db
    .selectFrom('findings')
    .selectAll()
    .orderBy('device_id')
    .orderBy('ban_id')
    .limit(filter.limit ?? 1000);
  if (filter.banId !== undefined) query = query.where('ban_id', '=', filter.banId);
  if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
  if (filter.states?.length) query = query.where('state', 'in', filter.states);
  const after = filter.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('device_id', '>', after.deviceId),
        eb.and([eb('device_id', '=', after.deviceId), eb('ban_id', '>', after.banId)]),
      ]),
    );
  }
  return (await query.execute()).map(findingRowToFinding);
}

/** Current finding counts per ban and state. */
export async function countFindingsByState(
  db: Executor,
  options: { banId?: string } = {},
): Promise<Array<{ banId: string; state: FindingState; count: number }>> {
  let query = db
    .selectFrom('findings')
    .select(['ban_id', 'state', sql<number>`count(*)`.as('n')])
    .groupBy(['ban_id', 'state'])
    .orderBy('ban_id')
    .orderBy('state');
  if (options.banId !== undefined) query = query.where('ban_id', '=', options.banId);
  return (await query.execute()).map((row) => ({
    banId: row.ban_id,
    state: row.state,
    count: Number(row.n),
  }));
}

/** The history of one device under one ban (or every ban), in time order. */
export async function listFindingHistory(
  db: Executor,
  where: { deviceId: number; banId?: string; from?: number; to?: number },
): Promise<StoredFindingChange[]> {
  let query = db
    .selectFrom('finding_history')
    .selectAll()
    .where('device_id', '=', where.deviceId)
    .orderBy('at')
    .orderBy('id');
  if (where.banId !== undefined) query = query.where('ban_id', '=', where.banId);
  if (where.from !== undefined) query = query.where('at', '>=', where.from);
  if (where.to !== undefined) query = query.where('at', '<=', where.to);
  return (await query.execute()).map(historyRowToChange);
}

/** History entries of a ban within `[from, to]`, in time order, a page at a time (by `afterId`). */
export async function listBanHistory(
  db: Executor,
  where: { banId: string; from?: number; to?: number; afterId?: number; limit?: number },
): Promise<StoredFindingChange[]> {
  let query = db
    .selectFrom('finding_history')
    .selectAll()
    .where('ban_id', '=', where.banId)
    .orderBy('at')
    .orderBy('id')
    .limit(where.limit ?? 10_000);
  if (where.from !== undefined) query = query.where('at', '>=', where.from);
  if (where.to !== undefined) query = query.where('at', '<=', where.to);
  if (where.afterId !== undefined) query = query.where('id', '>', where.afterId);
  return (await query.execute()).map(historyRowToChange);
}

/**
 * The state of every (device, ban) as it stood at `at`: for each pair, its last history entry at or
 * before `at` (later observation time wins, then later append). Paged by device id.
 */
export async function findingsAsOf(
  db: Executor,
  options: { at: number; banId?: string; afterDeviceId?: number; limit?: number },
): Promise<StoredFindingChange[]> {
  const limitDevices = options.limit ?? 5000;
  // The page is chosen on device ids first, so that a device's bans never straddle two pages.
  let devicePage = db
    .selectFrom('finding_history')
    .select('device_id')
    .distinct()
    .where('at', '<=', options.at)
    .orderBy('device_id')
    .limit(limitDevices);
  if (options.banId !== undefined) devicePage = devicePage.where('ban_id', '=', options.banId);
  if (options.afterDeviceId !== undefined)
    devicePage = devicePage.where('device_id', '>', options.afterDeviceId);
  const deviceIds = (await devicePage.execute()).map((row) => row.device_id);
  const first = deviceIds[0];
  const last = deviceIds.at(-1);
  if (first === undefined || last === undefined) return [];

  let ranked = db
    .selectFrom('finding_history')
    .selectAll()
    .select(
      sql<number>`row_number() over (partition by device_id, ban_id order by at desc, id desc)`.as('rank'),
    )
    .where('at', '<=', options.at)
    .where('device_id', '>=', first)
    .where('device_id', '<=', last);
  if (options.banId !== undefined) ranked = ranked.where('ban_id', '=', options.banId);
  const rows = await db
    .selectFrom(ranked.as('h'))
    .selectAll()
    .where('rank', '=', 1)
    .orderBy('device_id')
    .orderBy('ban_id')
    .execute();
  return rows.map(historyRowToChange);
}
