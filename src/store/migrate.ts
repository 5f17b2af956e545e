import { type Kysely, type MigrationResult, Migrator, sql } from 'kysely';
import { AppbanError } from '../lib/errors.js';
import { dialectOf } from './dialect.js';
import { staticMigrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface MigrationReport {
  /** Migrations this call applied, in order; empty when the schema was already current. */
  applied: string[];
  results: MigrationResult[];
}

async function migrator(db: Kysely<Database>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema PostgreSQL lists; naming the current one
  // keeps two appban schemas in one database (tests, staging beside production) from seeing each other's.
  const schema =
    dialectOf(db) === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db,
    provider: staticMigrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/**
 * Brings the schema to the latest migration. The CLI, the server and the tests all call this; it is
 * safe to run again and, on PostgreSQL, from several replicas at once (Kysely takes an advisory lock).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const { error, results = [] } = await (await migrator(db)).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppbanError('DATABASE', `The database schema could not be migrated (migration ${failed}).`, {
      cause: error,
    });
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), results };
}

/** Names of the migrations already applied, oldest first. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await (await migrator(db)).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
