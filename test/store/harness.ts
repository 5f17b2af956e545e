import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { DIALECTS, type Dialect } from '../../src/store/dialect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore, type Store } from '../../src/store/store.js';

/**
 * Runs one suite on SQLite and on PostgreSQL. PostgreSQL comes from APPBAN_TEST_PG_URL; without it
 * the PostgreSQL half is skipped locally, and fails under CI=true so that CI can never lose it.
 * Each store is private: a temporary SQLite file, or a PostgreSQL schema of its own, so test files
 * run in parallel.
 */

export const PG_URL = process.env.APPBAN_TEST_PG_URL;
const IN_CI = process.env.CI === 'true';

/** A migrated, private store and how to throw it away. */
export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

/** Opens a fresh, migrated store of one dialect. */
export async function openTestStore(dialect: Dialect): Promise<TestStore> {
  return dialect === 'sqlite' ? openSqliteTestStore() : openPostgresTestStore();
}

async function openSqliteTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'appban-test-'));
  const store = await openStore(`sqlite:${join(dir, 'appban.db')}`);
  const dispose = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { store, dispose };
}

async function openPostgresTestStore(): Promise<TestStore> {
  if (!PG_URL) throw new Error('APPBAN_TEST_PG_URL is not set');
  const url = PG_URL;
  const schema = `appban_test_${randomBytes(6).toString('hex')}`;
  const admin = await openStore(url, { poolSize: 1 });
  try {
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const dropSchema = async () => {
    const cleanup = await openStore(url, { poolSize: 1 });
    try {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(cleanup.db);
    } finally {
      await cleanup.close();
    }
  };
  const store = await openStore(url, { schema, poolSize: 4 });
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    // The test never gets the store, so it would never dispose of it: clean up here.
    await store.close();
    await dropSchema();
    throw error;
  }
  return {
    store,
    dispose: async () => {
      await store.close();
      await dropSchema();
    },
  };
}

export interface DialectContext {
  dialect: Dialect;
  /** The store of the current test (or of the file, with `fresh: 'file'`). */
  store(): Store;
}

export interface DescribeEachDialectOptions {
  /** `test` (default): a new database for every test; `file`: one for the whole describe block. */
  fresh?: 'test' | 'file';
}

/** A per-dialect record, so that no test can forget one of the two answers. */
export type PerDialect<T> = Record<Dialect, T>;

/** Declares the suite once per dialect: `describeEachDialect('bans', ({ store }) => { it(…) })`. */
export function describeEachDialect(
  title: string,
  body: (context: DialectContext) => void,
  options: DescribeEachDialectOptions = {},
): void {
  for (const dialect of DIALECTS) {
    const name = `${title} [${dialect}]`;
    if (dialect === 'postgres' && !PG_URL) {
      if (IN_CI) {
        describe(name, () => {
          it('needs PostgreSQL', () => {
            throw new Error(
              'APPBAN_TEST_PG_URL must be set when CI=true: the PostgreSQL half may not be skipped.',
            );
          });
        });
      } else {
        describe.skip(name, () => body({ dialect, store: unavailable }));
      }
      continue;
    }
    describe(name, () => {
      let current: TestStore | undefined;
      const open = async () => {
        current = await openTestStore(dialect);
      };
      const close = async () => {
        await current?.dispose();
        current = undefined;
      };
      if (options.fresh === 'file') {
        beforeAll(open);
        afterAll(close);
      } else {
        beforeEach(open);
        afterEach(close);
      }
      body({
        dialect,
        store: () => {
          if (!current) throw new Error('The test store is only available inside a test or hook.');
          return current.store;
        },
      });
    });
  }
}

function unavailable(): Store {
  throw new Error('PostgreSQL is not configured (APPBAN_TEST_PG_URL).');
}
