import type { Kysely } from 'kysely';
import { dialectOf, integerPrimaryKey } from '../dialect.js';

/**
 * Who may do what (users, dashboard sessions, API tokens) and what appban tells people (notification
 * channels, the notifications raised, and the log of every delivery attempt).
 * Secrets are stored only as hashes, except a webhook's signing secret, which must be usable to sign.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's row types
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const [intKey, intKeyColumn] = integerPrimaryKey(dialect, 'integer');
  const [bigKey, bigKeyColumn] = integerPrimaryKey(dialect, 'bigint');

  await db.schema
    .createTable('users')
    .addColumn('id', intKey, intKeyColumn)
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('token_hash', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('notification_channels')
    .addColumn('id', intKey, intKeyColumn)
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('secret', 'text')
    .addColumn('events', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', bigKey, bigKeyColumn)
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique())
    .addColumn('ban_id', 'text')
    .addColumn('device_id', 'integer')
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', bigKey, bigKeyColumn)
    .addColumn('notification_id', 'bigint', (col) => col.notNull().references('notifications.id'))
    .addColumn('channel_id', 'integer', (col) => col.notNull().references('notification_channels.id'))
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('claimed_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('notification_deliveries_due_idx')
    .on('notification_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('notification_attempts')
    .addColumn('id', bigKey, bigKeyColumn)
    .addColumn('delivery_id', 'bigint', (col) => col.notNull().references('notification_deliveries.id'))
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .execute();

  // The API pages a ban's findings by device id.
  await db.schema
    .createIndex('findings_ban_device_idx')
    .on('findings')
    .columns(['ban_id', 'device_id'])
    .execute();

  /** Where each background scanner got to (e.g. the last finding_history id turned into notifications). */
  await db.schema
    .createTable('cursors')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'bigint', (col) => col.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'cursors',
    'notification_attempts',
    'notification_deliveries',
    'notifications',
    'notification_channels',
    'api_tokens',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('findings_ban_device_idx').execute();
}
