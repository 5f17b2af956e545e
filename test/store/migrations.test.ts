import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { appliedMigrations, migrateToLatest } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { describeEachDialect } from './harness.js';

const TABLES = [
  'api_tokens',
  'app_identities',
  'audit_events',
  'ban_revisions',
  'bans',
  'cursors',
  'device_sources',
  'devices',
  'exceptions',
  'finding_history',
  'findings',
  'imports',
  'notification_attempts',
  'notification_channels',
  'notification_deliveries',
  'notifications',
  'sessions',
  'snapshot_apps',
  'snapshots',
  'users',
];

describeEachDialect('migrations', ({ dialect, store }) => {
  it('creates every table once and is idempotent', async () => {
    const { db } = store();
    // The harness already migrated: a second and third run apply nothing and fail on nothing.
    expect((await migrateToLatest(db)).applied).toEqual([]);
    expect((await migrateToLatest(db)).applied).toEqual([]);
    expect(await appliedMigrations(db)).toEqual(Object.keys(MIGRATIONS).sort());
    // PostgreSQL's introspection spans every schema; keep this store's own.
    const schema =
      dialect === 'postgres'
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
        : undefined;
    const tables = (await db.introspection.getTables())
      .filter((t) => t.schema === schema)
      .map((t) => t.name)
      .filter((n) => !n.startsWith('kysely_'));
    expect(tables.sort()).toEqual(TABLES);
  });

  it('enforces foreign keys', async () => {
    const { db } = store();
    await expect(
      db
        .insertInto('device_sources')
        .values({ source: 'x', source_device_id: 'y', device_id: 999 })
        .execute(),
    ).rejects.toThrow();
    const rows = await db
      .selectFrom('device_sources')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(0);
  });

  it('stores epoch milliseconds past 2^31 and reads them back as numbers', async () => {
    const { db } = store();
    const at = Date.UTC(2030, 0, 1, 12, 0, 0, 123);
    await db.insertInto('bans').values({ id: 'b', title: 'B', created_at: at }).execute();
    const row = await db.selectFrom('bans').select('created_at').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(at);
    expect(typeof row.created_at).toBe('number');
  });
});
