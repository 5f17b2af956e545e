import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { AppbanError } from '../lib/errors.js';
import { type Capabilities, capabilitiesFor, type Dialect } from './dialect.js';
import type { Database } from './schema.js';

/** Where appban keeps its data when no `--db` or `APPBAN_DB` says otherwise. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/appban.db';

/** The better-sqlite3 handle, typed by what appban uses of it so that callers need not import the driver. */
export interface SqliteHandle {
  prepare(sql: string): {
    run(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    iterate(...params: unknown[]): IterableIterator<unknown>;
    raw(toggle?: boolean): unknown;
  };
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): unknown;
}

/** The pg pool, typed structurally for the same reason. */
export interface PostgresHandle {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
    release(error?: Error | boolean): void;
  }>;
}

/** The driver underneath Kysely, for the few bulk paths (benchmark loading) that bypass it. */
export type NativeHandle =
  | { dialect: 'sqlite'; database: SqliteHandle }
  | { dialect: 'postgres'; pool: PostgresHandle };

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /** The URL without its password or query, safe to print. */
  readonly displayUrl: string;
  readonly native: NativeHandle;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL: the schema to use (`search_path`), e.g. one per test file. Must already exist. */
  schema?: string;
  /** PostgreSQL: the most connections the pool opens (default 10). */
  poolSize?: number;
  /** SQLite: how long a writer waits for another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

export type ParsedUrl =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; display: string };

const SQLITE_MEMORY = ':memory:';

/**
 * Opens the database named by a URL: `sqlite:<path>`, `sqlite::memory:`, or `postgres://…` /
 * `postgresql://…`. Checks that it answers; does not migrate (call `migrateToLatest`).
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseDatabaseUrl(url);
  return parsed.dialect === 'sqlite' ? openSqlite(parsed.file, options) : openPostgres(parsed, options);
}

/** Reads a database URL; the error never repeats the URL, which may hold a password. */
export function parseDatabaseUrl(url: string): ParsedUrl {
  const text = url.trim();
  if (text.startsWith('sqlite:')) {
    let file = text.slice('sqlite:'.length);
    // `sqlite:///abs/path` is the URL form of an absolute path; `sqlite:/abs` and `sqlite:rel` work too.
    if (file.startsWith('///')) file = file.slice(2);
    if (file === '') {
      throw new AppbanError('CONFIG_INVALID', 'The database URL `sqlite:` names no file; use sqlite:<path>.');
    }
    return { dialect: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      // Deliberately no `cause`: Node's URL error carries the input, password included.
      throw new AppbanError('CONFIG_INVALID', 'The PostgreSQL database URL is malformed.');
    }
    return { dialect: 'postgres', url: text, display: displayPostgresUrl(parsed) };
  }
  throw new AppbanError(
    'CONFIG_INVALID',
    'The database URL must start with sqlite: (for example sqlite:./data/appban.db) or postgres://.',
  );
}

function displayPostgresUrl(url: URL): string {
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}

async function openSqlite(file: string, options: OpenStoreOptions): Promise<Store> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const inMemory = file === SQLITE_MEMORY;
  const path = inMemory ? file : resolve(file);
  const displayUrl = `sqlite:${inMemory ? file : path}`;
  let database: InstanceType<typeof BetterSqlite3> | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    database = new BetterSqlite3(path);
    // WAL: readers never block the writer, and a committed transaction survives a killed process.
    if (!inMemory) database.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only a power loss may drop the last commits.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  } catch (error) {
    database?.close();
    throw new AppbanError('DATABASE', `The SQLite database ${displayUrl} could not be opened.`, {
      cause: error,
    });
  }
  const opened = database;
  // Kysely opens transactions with a plain (deferred) BEGIN: a transaction that reads and then writes
  // fails at once with SQLITE_BUSY if another process wrote meanwhile. BEGIN IMMEDIATE takes the write
  // lock up front, so writers in other processes (the CLI beside the server) queue on busy_timeout.
  //
  // Prepared statements are kept by SQL text: preparing is a sixth of a check-in's CPU otherwise. A
  // statement still iterating (a stream) is busy, so a second use of its text gets a fresh one.
  const statements = new Map<string, ReturnType<typeof opened.prepare>>();
  const kyselyDatabase = {
    close: () => opened.close(),
    prepare: (text: string) => {
      const sqlText = text === 'begin' ? 'begin immediate' : text;
      const cached = statements.get(sqlText);
      if (cached && !cached.busy) return cached;
      const statement = opened.prepare(sqlText);
      if (!cached) {
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselyDatabase }) });
  return {
    db,
    dialect: 'sqlite',
    capabilities: capabilitiesFor('sqlite'),
    displayUrl,
    native: { dialect: 'sqlite', database: database as unknown as SqliteHandle },
    close: once(() => db.destroy()),
  };
}

/** Distinct SQL texts kept prepared per SQLite connection (queries with IN lists vary in length). */
const STATEMENT_CACHE_SIZE = 500;

const INT8_OID = 20;

/** int8 (BIGINT, COUNT(*)) arrives as text; epoch milliseconds and ids are far inside 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new AppbanError('DATABASE', 'A BIGINT value from the database exceeds the safe integer range.');
  }
  return value;
}

async function openPostgres(
  parsed: Extract<ParsedUrl, { dialect: 'postgres' }>,
  options: OpenStoreOptions,
): Promise<Store> {
  const pg = await import('pg');
  const { types } = pg.default;
  const pool = new pg.default.Pool({
    connectionString: parsed.url,
    max: options.poolSize ?? 10,
    application_name: 'appban',
    ...(options.schema === undefined ? {} : { options: `-c search_path=${quoteSearchPath(options.schema)}` }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
    },
  });
  // An idle connection that dies (server restart) must not crash the process: the next query reports it.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    // The driver's message names host and user at most; it stays as the cause, for the logs.
    throw new AppbanError(
      'DATABASE',
      `The PostgreSQL database ${parsed.display} could not be reached or refused the login.`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    capabilities: capabilitiesFor('postgres'),
    displayUrl: parsed.display,
    native: { dialect: 'postgres', pool: pool as unknown as PostgresHandle },
    close: once(() => db.destroy()),
  };
}

function quoteSearchPath(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new AppbanError(
      'CONFIG_INVALID',
      'A PostgreSQL schema name must be lower-case letters, digits and _.',
    );
  }
  return schema;
}

/**
 * Turns a driver error into the public DATABASE error with a fixed message; the driver's own error
 * (which may quote SQL or values) stays as the cause, for logs only.
 */
export function toDatabaseError(error: unknown, what = 'The database refused the operation.'): AppbanError {
  if (error instanceof AppbanError) return error;
  return new AppbanError('DATABASE', what, { cause: error });
}

/** Closing twice is harmless (pg's pool would throw on a second end). */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
}
