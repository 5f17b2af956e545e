import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AppbanError } from '../../src/lib/errors.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { DEFAULT_DATABASE_URL, openStore, parseDatabaseUrl, type Store } from '../../src/store/store.js';

const require = createRequire(import.meta.url);
const SECRET = 'pa55-Wörd-s3cr3t';

async function failure(promise: Promise<unknown>): Promise<AppbanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppbanError);
  return error as AppbanError;
}

/** Everything a log line could show of an error: message, format, stack and the whole cause chain. */
function everythingShown(error: AppbanError): string {
  return [error.message, error.format(), error.stack ?? '', inspect(error, { depth: 10 })].join('\n');
}

describe('database URLs and connections', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'appban-conn-'));
    dirs.push(dir);
    return dir;
  };

  it('reads the URL forms appban accepts', () => {
    expect(DEFAULT_DATABASE_URL).toBe('sqlite:./data/appban.db');
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
    expect(parseDatabaseUrl('sqlite:./data/appban.db')).toEqual({
      dialect: 'sqlite',
      file: './data/appban.db',
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/appban.db')).toEqual({
      dialect: 'sqlite',
      file: '/var/lib/appban.db',
    });
    expect(
      parseDatabaseUrl(`postgresql://app:${SECRET}@db.example:5433/appban?sslmode=require`),
    ).toMatchObject({
      dialect: 'postgres',
      display: 'postgresql://app@db.example:5433/appban',
    });
  });

  it('rejects other URLs without repeating them', () => {
    for (const url of [`mysql://root:${SECRET}@h/db`, 'sqlite:', `postgres://u:${SECRET}@[::1`]) {
      let caught: unknown;
      try {
        parseDatabaseUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(everythingShown(caught as AppbanError)).not.toContain(SECRET);
    }
  });

  it('never shows the password of a PostgreSQL server it cannot reach', async () => {
    const error = await failure(
      openStore(`postgres://appban:${encodeURIComponent(SECRET)}@127.0.0.1:1/appban`),
    );
    expect(error.code).toBe('DATABASE');
    expect(error.message).toContain('postgres://appban@127.0.0.1:1/appban');
    const shown = everythingShown(error);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(encodeURIComponent(SECRET));
  });

  it('creates the SQLite file and its directory, in WAL mode with foreign keys on', async () => {
    const file = join(tempDir(), 'nested', 'deeper', 'appban.db');
    const store = await openStore(`sqlite:${file}`);
    stores.push(store);
    expect(existsSync(file)).toBe(true);
    expect(store.dialect).toBe('sqlite');
    expect(store.capabilities.multipleConnections).toBe(false);
    const pragma = async (name: string) =>
      Object.values(
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ?? {},
      )[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await migrateToLatest(store.db);
  });

  it('reports a SQLite file that cannot be opened as DATABASE', async () => {
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const error = await failure(openStore(`sqlite:${join(blocker, 'appban.db')}`));
    expect(error.code).toBe('DATABASE');
    // A file that is not a SQLite database at all.
    const notSqlite = join(tempDir(), 'garbage.db');
    writeFileSync(notSqlite, 'this is not a database file, just text long enough to have a header..');
    expect((await failure(openStore(`sqlite:${notSqlite}`))).code).toBe('DATABASE');
  });

  it('opens an in-memory SQLite database', async () => {
    const store = await openStore('sqlite::memory:');
    stores.push(store);
    expect((await migrateToLatest(store.db)).applied.length).toBeGreaterThan(0);
  });

  it('queues a writer from another process instead of failing a read-then-write transaction', async () => {
    const file = join(tempDir(), 'shared.db');
    const store = await openStore(`sqlite:${file}`);
    stores.push(store);
    await migrateToLatest(store.db);
    const { db } = store;
    // The other writer runs on its own thread (as another process would), with its own connection.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.driver);
       parentPort.once('message', () => {
         const other = new Database(workerData.file);
         other.pragma('busy_timeout = 5000');
         other.prepare("insert into bans (id, title, created_at) values ('from-worker', 'w', 1)").run();
         other.close();
         parentPort.postMessage('done');
       });`,
      { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') } },
    );
    const workerDone = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('bans').selectAll().execute();
      worker.postMessage('write');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // With a deferred BEGIN this insert fails (SQLITE_BUSY_SNAPSHOT): the worker wrote after our read.
      await trx.insertInto('bans').values({ id: 'from-main', title: 'm', created_at: 1 }).execute();
    });
    await workerDone;
    await worker.terminate();
    const ids = (await db.selectFrom('bans').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(ids).toEqual(['from-main', 'from-worker']);
  });
});
