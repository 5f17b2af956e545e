import type { DevicePlatform } from '../../catalog/catalog.types.js';
import type { ErrorLocation } from '../../lib/errors.js';
import type { InventorySnapshot, ObservedApp } from '../snapshot.types.js';
import { deviceOf } from './osquery-device.js';
import { hostIdOf, observedMsOf, type ResultLine } from './osquery-line.js';
import {
  emptyRowApp,
  freezeRowApp,
  type InventoryTable,
  platformOfTable,
  readRowApp,
  recogniseTable,
  rowAppKey,
  tableFromQueryName,
} from './osquery-rows.js';
import { scalarText } from './scalar.js';

type Row = Record<string, unknown>;

/** What one scheduled query has told us about one host. */
interface QueryState {
  /** True once the query's full result is known: a snapshot, or a run with counter 0. */
  base: boolean;
  /** The run (epoch, counter, time) the last event line belonged to. */
  run: string | undefined;
  /** Rows present, as a multiset: the same app can be installed twice (two paths, two profiles). */
  rows: Map<string, number>;
  /** Without a base: rows added in the current run, so that its own removals can be told apart. */
  addedThisRun: Map<string, number>;
}

interface HostState {
  hostId: string;
  decorations: Row | undefined;
  hostname: string | undefined;
  platformHint: DevicePlatform | undefined;
  queries: Map<string, QueryState>;
  /** Every app of every query, counted, in first-seen order. */
  apps: Map<string, { app: ObservedApp; count: number }>;
  /** The time of changes applied but not yet emitted. */
  pendingMs: number | undefined;
}

/**
 * Replays a result log host by host. Memory holds one state per host (its current apps), never
 * the log. One snapshot is emitted per host and query time, holding the state after every line
 * of that time was applied.
 *
 * Coverage rule. A host's snapshot is `full` only when, for every inventory query seen for that
 * host, the query's complete result has been seen: a snapshot line (`"action":"snapshot"`), or
 * the first run of a scheduled query, which osquery logs with `counter` 0 (in event or batch
 * form) and which lists every row as added. Until then the state is built from differential
 * lines alone: it shows apps added since the log began (evidence of a violation) but cannot show
 * that an app is absent, so the snapshot is `partial`. A later counter-0 run (a new epoch, a
 * changed query, a wiped osquery database) or snapshot line resets that query to a known base.
 *
 * A query scheduled with `"removed": false` never logs removals, so its replayed state keeps
 * apps that were uninstalled; nothing in the log reveals that setting. Snapshot queries
 * (`"snapshot": true`) do not have the problem and suit inventory best.
 */
export class OsqueryReplay {
  private readonly hosts = new Map<string, HostState>();

  /** Applies one line; returns the host's previous snapshot when this line starts a new time. */
  apply(line: ResultLine, location: ErrorLocation): InventorySnapshot | undefined {
    const firstRow = firstRowOf(line);
    const table = firstRow ? recogniseTable(firstRow, line.queryName) : tableFromQueryName(line.queryName);
    if (!table) return undefined;

    const hostId = hostIdOf(line, location);
    const observedMs = observedMsOf(line, location);
    let host = this.hosts.get(hostId);
    if (!host) {
      host = {
        hostId,
        decorations: undefined,
        hostname: undefined,
        platformHint: undefined,
        queries: new Map(),
        apps: new Map(),
        pendingMs: undefined,
      };
      this.hosts.set(hostId, host);
    }
    let emitted: InventorySnapshot | undefined;
    if (host.pendingMs !== undefined && host.pendingMs !== observedMs) {
      emitted = snapshotOf(host, host.pendingMs);
    }
    host.decorations = line.decorations ?? host.decorations;
    host.hostname = scalarText(line.record.hostname) ?? host.hostname;
    host.platformHint ??= platformOfTable(table, firstRow);

    let query = host.queries.get(line.queryName);
    if (!query) {
      query = { base: false, run: undefined, rows: new Map(), addedThisRun: new Map() };
      host.queries.set(line.queryName, query);
    }
    applyChanges(host, query, table, line, observedMs);
    host.pendingMs = observedMs;
    return emitted;
  }

  /** The snapshots still pending at the end of the log. */
  *finish(): Generator<InventorySnapshot> {
    for (const host of this.hosts.values()) {
      if (host.pendingMs !== undefined) yield snapshotOf(host, host.pendingMs);
      host.pendingMs = undefined;
    }
  }
}

function firstRowOf(line: ResultLine): Row | undefined {
  const changes = line.changes;
  if (changes.form === 'event') return changes.row;
  if (changes.form === 'snapshot') return changes.rows[0];
  return changes.added[0] ?? changes.removed[0];
}

function applyChanges(
  host: HostState,
  query: QueryState,
  table: InventoryTable,
  line: ResultLine,
  ms: number,
) {
  const changes = line.changes;
  switch (changes.form) {
    case 'snapshot':
      reset(host, query);
      query.base = true;
      for (const row of changes.rows) add(host, query, table, row);
      return;
    case 'batch':
      if (line.counter === 0) {
        reset(host, query);
        query.base = true;
      }
      query.addedThisRun.clear();
      // Removals first: a changed row appears as its old form removed and its new form added.
      for (const row of changes.removed) remove(host, query, table, row);
      for (const row of changes.added) add(host, query, table, row);
      return;
    case 'event': {
      const run = `${line.epoch ?? ''}\u0000${line.counter ?? ''}\u0000${ms}`;
      if (run !== query.run) {
        query.run = run;
        query.addedThisRun.clear();
        if (line.counter === 0) {
          reset(host, query);
          query.base = true;
        }
      }
      if (changes.action === 'added') add(host, query, table, changes.row);
      else remove(host, query, table, changes.row);
      return;
    }
  }
}

const scratch = emptyRowApp();

function add(host: HostState, query: QueryState, table: InventoryTable, row: Row) {
  if (!readRowApp(table, row, scratch)) return;
  const key = rowAppKey(scratch);
  query.rows.set(key, (query.rows.get(key) ?? 0) + 1);
  if (!query.base) query.addedThisRun.set(key, (query.addedThisRun.get(key) ?? 0) + 1);
  const entry = host.apps.get(key);
  if (entry) entry.count++;
  else host.apps.set(key, { app: freezeRowApp(scratch), count: 1 });
}

function remove(host: HostState, query: QueryState, table: InventoryTable, row: Row) {
  if (!readRowApp(table, row, scratch)) return;
  const key = rowAppKey(scratch);
  const count = query.rows.get(key) ?? 0;
  // Without a base, a removal can only cancel a row known from before this run: the same run's
  // added row is the new form of the removed one, and the old form was never seen.
  const known = query.base ? count : count - (query.addedThisRun.get(key) ?? 0);
  if (known <= 0) return;
  if (count === 1) query.rows.delete(key);
  else query.rows.set(key, count - 1);
  const entry = host.apps.get(key);
  if (entry && --entry.count <= 0) host.apps.delete(key);
}

function reset(host: HostState, query: QueryState) {
  for (const [key, count] of query.rows) {
    const entry = host.apps.get(key);
    if (!entry) continue;
    entry.count -= count;
    if (entry.count <= 0) host.apps.delete(key);
  }
  query.rows.clear();
  query.addedThisRun.clear();
}

function snapshotOf(host: HostState, ms: number): InventorySnapshot {
  let full = host.queries.size > 0;
  for (const query of host.queries.values()) if (!query.base) full = false;
  return {
    source: 'osquery',
    device: deviceOf(host),
    observedAt: new Date(ms).toISOString(),
    apps: appsOf(host),
    coverage: full ? 'full' : 'partial',
  };
}

function appsOf(host: HostState): ObservedApp[] {
  const apps = new Array<ObservedApp>(host.apps.size);
  let index = 0;
  for (const entry of host.apps.values()) apps[index++] = entry.app;
  return apps;
}
