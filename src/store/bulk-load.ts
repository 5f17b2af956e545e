import { sql } from 'kysely';
import type { Ownership } from '../bans/ban.types.js';
import { AppbanError } from '../lib/errors.js';
import { packAppIds, unpackAppIds } from './app-id-pack.js';
import type { AppIdentity } from './app-identity.repository.js';
import { syncIdentity } from './dialect.js';
import type { PostgresHandle, SqliteHandle, Store } from './store.js';

/**
 * Fast loading of synthetic fleets for benchmarks and demos: hundreds of thousands of devices with
 * a hundred apps each. It bypasses Kysely for the inserts (prepared statements on SQLite, array
 * parameters on PostgreSQL) and assigns ids itself, so it must not run beside other writers.
 */

export interface BulkSnapshot {
  observedAt: number;
  /** Ids from bulkInsertAppIdentities; duplicates are dropped. */
  appIdentityIds: ArrayLike<number>;
  coverage?: 'full' | 'partial';
}

export interface BulkDevice {
  name: string | null;
  holder: string | null;
  group: string | null;
  ownership: Ownership;
  platform: string;
  serial?: string | null;
  snapshots: readonly BulkSnapshot[];
}

export interface BulkLoadOptions {
  /** Snapshot source and device-source name (default `synthetic`). */
  source?: string;
  importedAt: number;
  /** Devices per transaction (default 5000). */
  batchSize?: number;
  onProgress?: (loadedDevices: number) => void;
}

export interface BulkLoadResult {
  devices: number;
  snapshots: number;
  apps: number;
  firstDeviceId: number;
  lastDeviceId: number;
  ms: number;
}

/** Interns identities in bulk, returning their ids in input order (existing ones are reused). */
export async function bulkInsertAppIdentities(
  store: Store,
  identities: readonly AppIdentity[],
): Promise<number[]> {
  const existing = new Map<string, number>();
  const key = (kind: string, value: string) => `${kind}\u0000${value}`;
  for (const row of await store.db.selectFrom('app_identities').select(['id', 'kind', 'value']).execute()) {
    existing.set(key(row.kind, row.value), row.id);
  }
  let next = (await maxId(store, 'app_identities', 'id')) + 1;
  const fresh: Array<{ id: number; kind: string; value: string }> = [];
  const ids = identities.map(({ kind, value }) => {
    const k = key(kind, value);
    let id = existing.get(k);
    if (id === undefined) {
      id = next++;
      existing.set(k, id);
      fresh.push({ id, kind, value });
    }
    return id;
  });
  for (let i = 0; i < fresh.length; i += 5000) {
    await store.db
      .insertInto('app_identities')
      .values(fresh.slice(i, i + 5000))
      .execute();
  }
  await syncIdentity(store.db, 'app_identities', 'id');
  return ids;
}

/**
 * Loads devices with their snapshots and apps; one transaction per batch. With `deferIndexes` (the
 * default) snapshot_apps' app-identity index and foreign-key checks are lifted for the load and
 * restored at the end (see liftSnapshotAppsChecks); app identity ids are checked here instead.
 */
export async function bulkLoadDevices(
  store: Store,
  devices: Iterable<BulkDevice>,
  options: BulkLoadOptions & { deferIndexes?: boolean },
): Promise<BulkLoadResult> {
  const started = performance.now();
  const source = options.source ?? 'synthetic';
  const batchSize = options.batchSize ?? 5000;
  const firstDeviceId = (await maxId(store, 'devices', 'id')) + 1;
  let nextSnapshotId = (await maxId(store, 'snapshots', 'id')) + 1;
  let nextDeviceId = firstDeviceId;
  const native = store.native;
  const writer = native.dialect === 'sqlite' ? sqliteWriter(native.database) : postgresWriter(native.pool);
  const totals = { devices: 0, snapshots: 0, apps: 0 };
  let batch: Batch = emptyBatch();
  const flush = async () => {
    if (batch.devices.length === 0) return;
    await writer(batch);
    totals.devices += batch.devices.length;
    totals.snapshots += batch.snapshots.length;
    totals.apps += batch.appSnapshotIds.length;
    options.onProgress?.(totals.devices);
    batch = emptyBatch();
  };
  const known = await knownIdentityIds(store);
  const deferred = options.deferIndexes ?? true;
  if (deferred) await liftSnapshotAppsChecks(store);
  try {
    for (const device of devices) {
      const deviceId = nextDeviceId++;
      const sourceDeviceId = `${source}-${deviceId}`;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const snapshot of device.snapshots) {
        const snapshotId = nextSnapshotId++;
        first = Math.min(first, snapshot.observedAt);
        last = Math.max(last, snapshot.observedAt);
        const packed = packAppIds(snapshot.appIdentityIds);
        batch.snapshots.push([
          snapshotId,
          deviceId,
          source,
          sourceDeviceId,
          snapshot.observedAt,
          options.importedAt,
          snapshot.coverage ?? 'full',
          packed,
        ]);
        const ids = unpackAppIds(packed);
        for (const id of ids) {
          // Checked here because the foreign key that would check it is lifted during the load.
          if (!known(id)) throw new AppbanError('USAGE', `Bulk load: app identity ${id} was never interned.`);
          batch.appSnapshotIds.push(snapshotId);
          batch.appIdentityIds.push(id);
        }
      }
      if (device.snapshots.length === 0) first = last = options.importedAt;
      batch.devices.push([
        deviceId,
        device.name,
        device.holder,
        device.group,
        device.ownership,
        device.platform,
        device.serial ?? null,
        first,
        options.importedAt,
        last,
      ]);
      batch.sources.push([source, sourceDeviceId, deviceId]);
      if (batch.devices.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    // Restored even when the load fails, so that a failed benchmark never leaves a weaker schema behind.
    if (deferred) await restoreSnapshotAppsChecks(store);
  }
  await syncIdentity(store.db, 'devices', 'id');
  await syncIdentity(store.db, 'snapshots', 'id');
  // Fresh statistics, so that the planner of the SQL baseline sees the table sizes it will meet.
  await sql`analyze`.execute(store.db);
  return {
    ...totals,
    firstDeviceId,
    lastDeviceId: nextDeviceId - 1,
    ms: Math.round(performance.now() - started),
  };
}

/*
 * What the load lifts from snapshot_apps and puts back, with the first migration's definitions: the
 * app-identity index (built once at the end instead of row by row, ~7× faster on SQLite) and the
 * foreign keys (row-by-row checks make PostgreSQL inserts ~3.5× slower; re-adding them validates the
 * whole table in one pass). SQLite cannot drop a constraint, so its checks are switched off instead.
 */
const IDENTITY_INDEX = 'snapshot_apps_identity_idx';
const SNAPSHOT_FK = 'snapshot_apps_snapshot_fk';
const IDENTITY_FK = 'snapshot_apps_identity_fk';

async function liftSnapshotAppsChecks(store: Store): Promise<void> {
  await store.db.schema.dropIndex(IDENTITY_INDEX).ifExists().execute();
  if (store.native.dialect === 'sqlite') {
    store.native.database.pragma('foreign_keys = OFF');
  } else {
    await store.db.schema.alterTable('snapshot_apps').dropConstraint(SNAPSHOT_FK).ifExists().execute();
    await store.db.schema.alterTable('snapshot_apps').dropConstraint(IDENTITY_FK).ifExists().execute();
  }
}

async function restoreSnapshotAppsChecks(store: Store): Promise<void> {
  await store.db.schema
    .createIndex(IDENTITY_INDEX)
    .ifNotExists()
    .on('snapshot_apps')
    .columns(['app_identity_id', 'snapshot_id'])
    .execute();
  if (store.native.dialect === 'sqlite') {
    store.native.database.pragma('foreign_keys = ON');
    return;
  }
  const existing = await sql<{ name: string }>`
    select conname as name from pg_constraint
    where conrelid = 'snapshot_apps'::regclass and contype = 'f'`.execute(store.db);
  const names = new Set(existing.rows.map((row) => row.name));
  if (!names.has(SNAPSHOT_FK)) {
    await store.db.schema
      .alterTable('snapshot_apps')
      .addForeignKeyConstraint(SNAPSHOT_FK, ['snapshot_id'], 'snapshots', ['id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
  }
  if (!names.has(IDENTITY_FK)) {
    await store.db.schema
      .alterTable('snapshot_apps')
      .addForeignKeyConstraint(IDENTITY_FK, ['app_identity_id'], 'app_identities', ['id'])
      .execute();
  }
}

/** A membership test over the interned identity ids (a bitmap: ids are small and dense). */
async function knownIdentityIds(store: Store): Promise<(id: number) => boolean> {
  const rows = await store.db.selectFrom('app_identities').select('id').execute();
  const max = rows.reduce((m, row) => Math.max(m, row.id), 0);
  const bits = new Uint8Array(max + 1);
  for (const row of rows) bits[row.id] = 1;
  return (id) => id > 0 && id <= max && bits[id] === 1;
}

type DeviceTuple = [
  number,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string | null,
  number,
  number,
  number,
];
type SourceTuple = [string, string, number];
type SnapshotTuple = [number, number, string, string, number, number, string, Uint8Array];

interface Batch {
  devices: DeviceTuple[];
  sources: SourceTuple[];
  snapshots: SnapshotTuple[];
  appSnapshotIds: number[];
  appIdentityIds: number[];
}

function emptyBatch(): Batch {
  return { devices: [], sources: [], snapshots: [], appSnapshotIds: [], appIdentityIds: [] };
}

const DEVICE_COLUMNS =
  'id, name, holder, group_path, ownership, platform, serial, first_seen_at, last_seen_at, last_observed_at';
const SNAPSHOT_COLUMNS =
  'id, device_id, source, source_device_id, observed_at, imported_at, coverage, app_ids';
const APPS_PER_STATEMENT = 200;

function sqliteWriter(database: SqliteHandle): (batch: Batch) => Promise<void> {
  const insertDevice = database.prepare(
    `insert into devices (${DEVICE_COLUMNS}) values (?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertSource = database.prepare(
    'insert into device_sources (source, source_device_id, device_id) values (?,?,?)',
  );
  const insertSnapshot = database.prepare(
    `insert into snapshots (${SNAPSHOT_COLUMNS}) values (?,?,?,?,?,?,?,?)`,
  );
  const insertApp = database.prepare('insert into snapshot_apps (snapshot_id, app_identity_id) values (?,?)');
  const insertApps = database.prepare(
    `insert into snapshot_apps (snapshot_id, app_identity_id) values ${Array(APPS_PER_STATEMENT).fill('(?,?)').join(',')}`,
  );
  const params: number[] = new Array(APPS_PER_STATEMENT * 2);
  const write = database.transaction((batch: Batch) => {
    for (const row of batch.devices) insertDevice.run(...row);
    for (const row of batch.sources) insertSource.run(...row);
    for (const row of batch.snapshots) insertSnapshot.run(...row);
    const n = batch.appSnapshotIds.length;
    let i = 0;
    for (; i + APPS_PER_STATEMENT <= n; i += APPS_PER_STATEMENT) {
      for (let j = 0; j < APPS_PER_STATEMENT; j++) {
        params[2 * j] = batch.appSnapshotIds[i + j] as number;
        params[2 * j + 1] = batch.appIdentityIds[i + j] as number;
      }
      insertApps.run(...params);
    }
    for (; i < n; i++) insertApp.run(batch.appSnapshotIds[i], batch.appIdentityIds[i]);
  });
  return async (batch) => {
    write(batch);
  };
}

function postgresWriter(pool: PostgresHandle): (batch: Batch) => Promise<void> {
  const column = <T>(rows: readonly T[][], index: number) => rows.map((row) => row[index]);
  return async (batch) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into devices (${DEVICE_COLUMNS}) select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[])`,
        Array.from({ length: 10 }, (_, i) => column(batch.devices, i)),
      );
      await client.query(
        'insert into device_sources (source, source_device_id, device_id) select * from unnest($1::text[], $2::text[], $3::int[])',
        Array.from({ length: 3 }, (_, i) => column(batch.sources, i)),
      );
      await client.query(
        `insert into snapshots (${SNAPSHOT_COLUMNS}) select * from unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::bytea[])`,
        Array.from({ length: 8 }, (_, i) => column(batch.snapshots, i)),
      );
      // Arrays as text literals: pg's own array serialiser is slow for half a million numbers.
      await client.query(
        'insert into snapshot_apps (snapshot_id, app_identity_id) select * from unnest($1::bigint[], $2::int[])',
        [`{${batch.appSnapshotIds.join(',')}}`, `{${batch.appIdentityIds.join(',')}}`],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
}

async function maxId(
  store: Store,
  table: 'devices' | 'snapshots' | 'app_identities',
  column: 'id',
): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.max(column).as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}
