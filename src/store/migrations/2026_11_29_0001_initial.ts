import type { Kysely } from 'kysely';
import { binaryType, dialectOf, integerPrimaryKey, withoutRowid } from '../dialect.js';

/**
 * The first schema: bans and revisions, devices and their source ids, interned app identities,
 * imports and snapshots, exceptions, findings and their history, the audit chain.
 * Portable DDL only: integer keys, BIGINT epoch milliseconds, JSON as TEXT.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's row types
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const [intKey, intKeyColumn] = integerPrimaryKey(dialect, 'integer');
  const [bigKey, bigKeyColumn] = integerPrimaryKey(dialect, 'bigint');

  await db.schema
    .createTable('bans')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('ban_revisions')
    .addColumn('ban_id', 'text', (col) => col.notNull().references('bans.id'))
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('content_hash', 'text', (col) => col.notNull())
    .addColumn('document', 'text', (col) => col.notNull())
    .addColumn('applied_by', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('ban_revisions_pk', ['ban_id', 'revision'])
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', intKey, intKeyColumn)
    .addColumn('name', 'text')
    .addColumn('holder', 'text')
    .addColumn('group_path', 'text')
    .addColumn('ownership', 'text', (col) => col.notNull())
    .addColumn('platform', 'text', (col) => col.notNull())
    .addColumn('os_version', 'text')
    .addColumn('management_mode', 'text')
    .addColumn('serial', 'text')
    .addColumn('udid', 'text')
    .addColumn('hardware_id', 'text')
    .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('last_observed_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('devices_serial_idx').on('devices').column('serial').execute();
  await db.schema.createIndex('devices_udid_idx').on('devices').column('udid').execute();
  await db.schema.createIndex('devices_hardware_id_idx').on('devices').column('hardware_id').execute();
  await db.schema.createIndex('devices_group_path_idx').on('devices').column('group_path').execute();

  await db.schema
    .createTable('device_sources')
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('source_device_id', 'text', (col) => col.notNull())
    .addColumn('device_id', 'integer', (col) => col.notNull().references('devices.id'))
    .addPrimaryKeyConstraint('device_sources_pk', ['source', 'source_device_id'])
    .execute();
  await db.schema.createIndex('device_sources_device_idx').on('device_sources').column('device_id').execute();

  await db.schema
    .createTable('app_identities')
    .addColumn('id', intKey, intKeyColumn)
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addUniqueConstraint('app_identities_kind_value_uq', ['kind', 'value'])
    .execute();

  await db.schema
    .createTable('imports')
    .addColumn('id', intKey, intKeyColumn)
    .addColumn('file', 'text')
    .addColumn('format', 'text')
    .addColumn('source_label', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('snapshot_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('snapshots')
    .addColumn('id', bigKey, bigKeyColumn)
    .addColumn('device_id', 'integer', (col) => col.notNull().references('devices.id'))
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('source_device_id', 'text', (col) => col.notNull())
    .addColumn('source_label', 'text')
    .addColumn('observed_at', 'bigint', (col) => col.notNull())
    .addColumn('imported_at', 'bigint', (col) => col.notNull())
    .addColumn('coverage', 'text', (col) => col.notNull())
    .addColumn('import_id', 'integer', (col) => col.references('imports.id'))
    .addColumn('app_ids', binaryType(dialect), (col) => col.notNull())
    .execute();
  // "Latest snapshot of device D as of T" walks this index backwards from (D, T).
  await db.schema
    .createIndex('snapshots_device_observed_idx')
    .on('snapshots')
    .columns(['device_id', 'observed_at', 'id'])
    .execute();
  await db.schema.createIndex('snapshots_import_idx').on('snapshots').column('import_id').execute();

  await db.schema
    .createTable('snapshot_apps')
    .addColumn('snapshot_id', 'bigint', (col) => col.notNull())
    .addColumn('app_identity_id', 'integer', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('version', 'text')
    .addPrimaryKeyConstraint('snapshot_apps_pk', ['snapshot_id', 'app_identity_id'])
    // Named, because the bulk loader lifts and restores them on PostgreSQL.
    .addForeignKeyConstraint('snapshot_apps_snapshot_fk', ['snapshot_id'], 'snapshots', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint('snapshot_apps_identity_fk', ['app_identity_id'], 'app_identities', ['id'])
    .$call(withoutRowid(dialect))
    .execute();
  // Which snapshots hold a given app: the SQL baseline and "who has TikTok" queries.
  await db.schema
    .createIndex('snapshot_apps_identity_idx')
    .on('snapshot_apps')
    .columns(['app_identity_id', 'snapshot_id'])
    .execute();

  await db.schema
    .createTable('exceptions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('ban_id', 'text', (col) => col.notNull().references('bans.id'))
    .addColumn('subjects', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'bigint')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('exceptions_ban_idx').on('exceptions').columns(['ban_id', 'status']).execute();
  await db.schema.createIndex('exceptions_expires_idx').on('exceptions').column('expires_at').execute();

  await db.schema
    .createTable('findings')
    .addColumn('device_id', 'integer', (col) => col.notNull().references('devices.id'))
    .addColumn('ban_id', 'text', (col) => col.notNull())
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('since', 'bigint', (col) => col.notNull())
    .addColumn('deadline', 'bigint')
    .addColumn('matched', 'text', (col) => col.notNull())
    .addColumn('snapshot_id', 'bigint')
    .addColumn('evaluated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('findings_pk', ['device_id', 'ban_id'])
    .addForeignKeyConstraint('findings_revision_fk', ['ban_id', 'revision'], 'ban_revisions', [
      'ban_id',
      'revision',
    ])
    .execute();
  await db.schema.createIndex('findings_ban_state_idx').on('findings').columns(['ban_id', 'state']).execute();

  await db.schema
    .createTable('finding_history')
    .addColumn('id', bigKey, bigKeyColumn)
    .addColumn('device_id', 'integer', (col) => col.notNull().references('devices.id'))
    .addColumn('ban_id', 'text', (col) => col.notNull())
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('snapshot_id', 'bigint')
    .addColumn('evidence', 'text', (col) => col.notNull())
    .addForeignKeyConstraint('finding_history_revision_fk', ['ban_id', 'revision'], 'ban_revisions', [
      'ban_id',
      'revision',
    ])
    .execute();
  await db.schema
    .createIndex('finding_history_ban_at_idx')
    .on('finding_history')
    .columns(['ban_id', 'at'])
    .execute();
  await db.schema
    .createIndex('finding_history_device_ban_at_idx')
    .on('finding_history')
    .columns(['device_id', 'ban_id', 'at'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('object_type', 'text', (col) => col.notNull())
    .addColumn('object_id', 'text', (col) => col.notNull())
    .addColumn('details', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_object_idx')
    .on('audit_events')
    .columns(['object_type', 'object_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_events',
    'finding_history',
    'findings',
    'exceptions',
    'snapshot_apps',
    'snapshots',
    'imports',
    'app_identities',
    'device_sources',
    'devices',
    'ban_revisions',
    'bans',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
