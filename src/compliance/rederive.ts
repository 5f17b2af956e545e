import { sql } from 'kysely';
import type { Trx } from '../store/executor.js';
import type { DeviceFacts } from './engine/evaluate.js';
import { appKey, type Interner } from './engine/interner.js';
import { changeAt, deriveTimeline, type FindingChange, type Observation } from './engine/timeline.js';
import {
  loadRecordedChanges,
  type RecordedChange,
  replaceHistory,
  writeCurrentFindings,
} from './history/history.records.js';
import { type BanTimeline, bannedIdentities } from './inputs/revisions.js';

/**
 * Re-derives the history of some devices under some bans and writes it: the one path by which
 * findings and history change. The caller holds the transaction.
 *
 * Each device's history is picked up at its `from` instant: the last recorded change before it is
 * the starting point and rows from `from` on are replaced, so a late inventory takes its place in
 * time and later rows follow from it. `−Infinity` (or a device with no recorded change under the
 * ban) derives the whole history from the first inventory.
 *
 * The store keeps no device facts per snapshot, only the newest on the device row. The facts an
 * older inventory showed are read back from the history, which records every change of group,
 * holder, ownership and platform; inventories being ingested bring their own.
 */
export interface RederiveInput {
  timelines: readonly BanTimeline[];
  /** Store identity id → interned id, for the identities any of these bans bans. */
  watched: ReadonlyMap<number, number>;
  /**
   * Find banned apps by their kind and value inside the transaction instead of through `watched`.
   * Ingests use it: identities another transaction created (another replica's, committed after
   * `watched` was read, or in any order of ids) are seen exactly as the database has them now.
   */
  matchByValue?: { apps: Interner };
  /** Device id → the instant from which its history is re-derived. */
  from: ReadonlyMap<number, number>;
  /** Facts of snapshots whose inventory is at hand (those just ingested), by snapshot id. */
  knownFacts?: ReadonlyMap<number, Partial<DeviceFacts>>;
  stalenessMs: number;
  now: number;
  batchSize?: number;
}

export interface RederiveResult {
  devices: number;
  /** History rows written. */
  changes: number;
}

interface SnapshotHeader {
  id: number;
  device_id: number;
  observed_at: number;
  coverage: 'full' | 'partial';
}

/** Banned apps in the batch's snapshots, found by identity kind and normalised value. */
async function matchesByValue(
  trx: Trx,
  timelines: readonly BanTimeline[],
  apps: Interner,
  batch: readonly number[],
): Promise<Map<number, number[]>> {
  const { ids: banned, byKind } = bannedIdentities(timelines, apps);
  const matches = new Map<number, number[]>();
  if (byKind.size === 0) return matches;
  const rows = await trx
    .selectFrom('snapshot_apps as sa')
    .innerJoin('snapshots as s', 's.id', 'sa.snapshot_id')
    .innerJoin('app_identities as ai', 'ai.id', 'sa.app_identity_id')
    .select(['sa.snapshot_id', 'ai.kind', 'ai.value'])
    .where('s.device_id', 'in', [...batch])
    .where((eb) =>
      eb.or(
        [...byKind].map(([kind, values]) =>
          eb.and([eb('ai.kind', '=', kind), eb(sql<string>`lower(trim(ai.value))`, 'in', values)]),
        ),
      ),
    )
    .execute();
  for (const row of rows) {
    const engineId = apps.find(appKey(row.kind, row.value));
    if (engineId === undefined || !banned.has(engineId)) continue;
    const list = matches.get(row.snapshot_id);
    if (list) list.push(engineId);
    else matches.set(row.snapshot_id, [engineId]);
  }
  return matches;
}

export async function rederive(trx: Trx, input: RederiveInput): Promise<RederiveResult> {
  const deviceIds = [...input.from.keys()].sort((a, b) => a - b);
  const batchSize = input.batchSize ?? 500;
  let written = 0;
  for (let i = 0; i < deviceIds.length; i += batchSize) {
    written += await rederiveBatch(trx, input, deviceIds.slice(i, i + batchSize));
  }
  return { devices: deviceIds.length, changes: written };
}

async function rederiveBatch(trx: Trx, input: RederiveInput, batch: number[]): Promise<number> {
  if (input.timelines.length === 0) return 0;
  const devices = await trx.selectFrom('devices').selectAll().where('id', 'in', batch).execute();
  const headers = (await trx
    .selectFrom('snapshots')
    .select(['id', 'device_id', 'observed_at', 'coverage'])
    .where('device_id', 'in', batch)
    .orderBy('device_id')
    .orderBy('observed_at')
    .orderBy('id')
    .execute()) as SnapshotHeader[];
  const matches = input.matchByValue
    ? await matchesByValue(trx, input.timelines, input.matchByValue.apps, batch)
    : new Map<number, number[]>();
  const watchedIds = input.matchByValue ? [] : [...input.watched.keys()];
  for (let k = 0; k < watchedIds.length; k += 500) {
    const rows = await trx
      .selectFrom('snapshot_apps as sa')
      .innerJoin('snapshots as s', 's.id', 'sa.snapshot_id')
      .select(['sa.snapshot_id', 'sa.app_identity_id'])
      .where('s.device_id', 'in', batch)
      .where('sa.app_identity_id', 'in', watchedIds.slice(k, k + 500))
      .execute();
    for (const row of rows) {
      const engineId = input.watched.get(row.app_identity_id);
      if (engineId === undefined) continue;
      const list = matches.get(row.snapshot_id);
      if (list) list.push(engineId);
      else matches.set(row.snapshot_id, [engineId]);
    }
  }
  const recorded = await loadRecordedChanges(trx, batch);
  const recordedByDevice = groupBy(recorded, (r) => r.deviceId);
  const headersByDevice = groupBy(headers, (h) => h.device_id);

  const perBan = new Map<
    string,
    { from: Map<number, number[]>; changes: { deviceId: number; change: FindingChange }[] }
  >();
  const current: { deviceId: number; banId: string; change: FindingChange }[] = [];
  for (const device of devices) {
    const from = input.from.get(device.id) ?? -Infinity;
    const history = recordedByDevice.get(device.id) ?? [];
    const fallback: Partial<DeviceFacts> = {
      ownership: device.ownership,
      platform: device.platform,
      ...(device.group_path === null ? {} : { group: device.group_path }),
      ...(device.holder === null ? {} : { holder: device.holder }),
      ...(device.name === null ? {} : { name: device.name }),
    };
    const factsAt = factsFromHistory(history, fallback);
    const observations: Observation[] = (headersByDevice.get(device.id) ?? []).map((h) => ({
      snapshotId: h.id,
      observedAt: h.observed_at,
      coverage: h.coverage,
      facts: input.knownFacts?.get(h.id) ?? factsAt(h.observed_at),
      apps: matches.get(h.id) ?? [],
    }));
    const tokens = [String(device.id), device.serial, device.udid, device.hardware_id]
      .filter((t): t is string => t !== null)
      .map((t) => t.toLowerCase());
    for (const timeline of input.timelines) {
      const own = history.filter((r) => r.banId === timeline.banId).map((r) => r.change);
      const previous = from > -Infinity ? own.filter((c) => c.at < from).at(-1) : undefined;
      const start = previous ? from : -Infinity;
      const changes = deriveTimeline({
        tokens,
        observations,
        revisions: timeline.spans,
        exceptions: timeline.exceptions,
        stalenessMs: input.stalenessMs,
        ...(previous ? { resume: { from, previous } } : {}),
      });
      let slot = perBan.get(timeline.banId);
      if (!slot) {
        slot = { from: new Map(), changes: [] };
        perBan.set(timeline.banId, slot);
      }
      const sameFrom = slot.from.get(start);
      if (sameFrom) sameFrom.push(device.id);
      else slot.from.set(start, [device.id]);
      for (const change of changes) slot.changes.push({ deviceId: device.id, change });
      const now = changeAt(previous ? [previous, ...changes] : changes, input.now);
      if (now) current.push({ deviceId: device.id, banId: timeline.banId, change: now });
    }
  }
  let written = 0;
  for (const [banId, slot] of perBan) {
    for (const [start, ids] of slot.from) {
      const wanted = new Set(ids);
      const changes = slot.changes.filter((c) => wanted.has(c.deviceId));
      await replaceHistory(trx, banId, ids, start, changes);
      written += changes.length;
    }
  }
  await writeCurrentFindings(trx, current, input.now);
  return written;
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * The device's facts at an instant as the history recorded them (any ban: facts belong to the
 * device), or the device row's when the history says nothing yet.
 */
function factsFromHistory(
  history: readonly RecordedChange[],
  fallback: Partial<DeviceFacts>,
): (at: number) => Partial<DeviceFacts> {
  const steps = history.map((r) => r.change).sort((a, b) => a.at - b.at);
  return (at) => {
    let found: FindingChange | undefined;
    for (const step of steps) {
      if (step.at > at) break;
      found = step;
    }
    if (!found) return fallback;
    return {
      ownership: found.ownership,
      platform: found.platform,
      ...(found.group === null ? {} : { group: found.group }),
      ...(found.holder === null ? {} : { holder: found.holder }),
      ...(found.name === null ? {} : { name: found.name }),
    };
  };
}
