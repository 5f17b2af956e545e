import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { AppUniverse } from '../../src/demo/apps.js';
import { toBulkDevice } from '../../src/demo/demo.adapters.js';
import type { DemoDevice, FleetGenerator } from '../../src/demo/fleet.generator.js';
import { bulkInsertAppIdentities, bulkLoadDevices } from '../../src/store/bulk-load.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore, type Store } from '../../src/store/store.js';
import { log } from './measure.js';

export type BenchDatabase = 'sqlite' | 'postgres';

export interface BenchStore {
  kind: BenchDatabase;
  store: Store;
  /** Universe identity id → stored identity id. */
  storeIds: number[];
  dispose(): Promise<void>;
}

/** A fresh database: a new SQLite file, or a new PostgreSQL schema dropped afterwards. */
export async function freshStore(
  kind: BenchDatabase,
  name: string,
  pgUrl: string,
): Promise<Store & { drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const file = `/tmp/appban-bench-${name}.db`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    const store = await openStore(`sqlite:${file}`);
    await migrateToLatest(store.db);
    return Object.assign(store, {
      drop: async () => {
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    });
  }
  const schema = `appban_bench_${name.replace(/[^a-z0-9_]/g, '_')}`;
  const admin = await openStore(pgUrl, { poolSize: 1 });
  try {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const store = await openStore(pgUrl, { schema, poolSize: 4 });
  await migrateToLatest(store.db);
  return Object.assign(store, {
    drop: async () => {
      await store.close();
      const cleanup = await openStore(pgUrl, { poolSize: 1 });
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(cleanup.db);
      } finally {
        await cleanup.close();
      }
    },
  });
}

export interface LoadReport {
  ms: number;
  devices: number;
  snapshots: number;
  rows: number;
}

/** Loads a generated fleet with the store's bulk loader; returns universe→store ids and timings. */
export async function loadFleetInto(
  store: Store,
  universe: AppUniverse,
  generator: FleetGenerator,
  importedAt: number,
  devices?: Iterable<DemoDevice>,
): Promise<{ storeIds: number[]; report: LoadReport }> {
  const started = performance.now();
  const storeIds = await bulkInsertAppIdentities(
    store,
    [...universe.identities()].map(({ kind, value }) => ({ kind, value })),
  );
  function* bulk() {
    for (const device of devices ?? generator.devices()) yield toBulkDevice(device, storeIds);
  }
  let lastLog = performance.now();
  const result = await bulkLoadDevices(store, bulk(), {
    importedAt,
    onProgress: (n) => {
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`  … ${n} devices stored`);
      }
    },
  });
  return {
    storeIds,
    report: {
      ms: performance.now() - started,
      devices: result.devices,
      snapshots: result.snapshots,
      rows: result.apps,
    },
  };
}

export { AppUniverse };
