import {
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  PostgresAdapter,
  SqliteAdapter,
  sql,
} from 'kysely';

/**
 * The one seam where SQLite and PostgreSQL differ. Repositories and migrations ask for a capability
 * or a dialect-specific fragment here instead of branching on the dialect themselves.
 */
export type Dialect = 'sqlite' | 'postgres';

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export interface Capabilities {
  /** `SELECT … FOR UPDATE` row locks (SQLite locks the whole database on write instead). */
  readonly rowLocks: boolean;
  /** Transaction-scoped advisory locks, to serialise work across server replicas. */
  readonly advisoryLocks: boolean;
  /** Several connections at once; on SQLite a query outside the open transaction waits forever. */
  readonly multipleConnections: boolean;
  /** Bound parameters one statement may carry (SQLite ≥ 3.32: 32766; PostgreSQL: 65535). */
  readonly maxParameters: number;
  /** Arrays bind as one parameter and `unnest` turns them into rows: bulk inserts in one statement. */
  readonly arrayParameters: boolean;
}

const CAPABILITIES: Record<Dialect, Capabilities> = {
  sqlite: {
    rowLocks: false,
    advisoryLocks: false,
    multipleConnections: false,
    maxParameters: 32_766,
    arrayParameters: false,
  },
  postgres: {
    rowLocks: true,
    advisoryLocks: true,
    multipleConnections: true,
    maxParameters: 65_535,
    arrayParameters: true,
  },
};

/** Any Kysely instance or transaction; a transaction shares its parent's adapter. */
// biome-ignore lint/suspicious/noExplicitAny: works for every database type, only the adapter is read
type AnyKysely = Kysely<any>;

/** The dialect behind an executor, read from its adapter so that transactions answer too. */
export function dialectOf(db: AnyKysely): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new Error(`appban supports SQLite and PostgreSQL only, not ${adapter.constructor.name}`);
}

export function capabilitiesOf(db: AnyKysely): Capabilities {
  return CAPABILITIES[dialectOf(db)];
}

export function capabilitiesFor(dialect: Dialect): Capabilities {
  return CAPABILITIES[dialect];
}

/** Rows per multi-row INSERT so that `columns × rows` stays under the parameter limit. */
export function rowsPerInsert(db: AnyKysely, columns: number, ceiling = 1000): number {
  return Math.max(1, Math.min(ceiling, Math.floor(capabilitiesOf(db).maxParameters / columns)));
}

/**
 * An integer surrogate key. SQLite makes exactly `INTEGER PRIMARY KEY` an alias of the rowid (the
 * fastest key it has, 64-bit); PostgreSQL gets an identity column that still accepts explicit ids.
 */
export function integerPrimaryKey(
  dialect: Dialect,
  size: 'integer' | 'bigint' = 'integer',
): ['integer' | 'bigint', (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  if (dialect === 'sqlite') return ['integer', (col) => col.primaryKey()];
  return [size, (col) => col.primaryKey().generatedByDefaultAsIdentity()];
}

/** A column of raw bytes. */
export function binaryType(dialect: Dialect): 'blob' | 'bytea' {
  return dialect === 'sqlite' ? 'blob' : 'bytea';
}

/**
 * A table whose primary key is its only index: SQLite stores it as one b-tree (`WITHOUT ROWID`),
 * half the size of a rowid table plus index; PostgreSQL has no such option and needs none.
 */
export function withoutRowid(dialect: Dialect) {
  return <T extends CreateTableBuilder<string, string>>(builder: T): T =>
    dialect === 'sqlite' ? (builder.modifyEnd(sql`without rowid`) as T) : builder;
}

/** How to ask for a query plan a person can read. */
export function explainPrefix(dialect: Dialect): string {
  return dialect === 'sqlite' ? 'explain query plan' : 'explain';
}

/**
 * Serialises writers on one key until the transaction ends. PostgreSQL takes an advisory lock; SQLite
 * needs nothing because a write transaction already holds the database's only write lock.
 */
export async function lockKey(trx: AnyKysely, namespace: string, key: string): Promise<void> {
  if (!capabilitiesOf(trx).advisoryLocks) return;
  await sql`select pg_advisory_xact_lock(hashtext(${namespace}), hashtext(${key}))`.execute(trx);
}

/** Like lockKey, but any number of transactions may hold it at once; it only excludes lockKey. */
export async function lockKeyShared(trx: AnyKysely, namespace: string, key: string): Promise<void> {
  if (!capabilitiesOf(trx).advisoryLocks) return;
  await sql`select pg_advisory_xact_lock_shared(hashtext(${namespace}), hashtext(${key}))`.execute(trx);
}

/**
 * After explicit ids were inserted into an identity column, moves PostgreSQL's sequence past them;
 * SQLite's rowid needs nothing.
 */
export async function syncIdentity(db: AnyKysely, table: string, column: string): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
    db,
  );
}
