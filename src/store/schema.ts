import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The row types of appban's database, the same on SQLite and PostgreSQL.
 *
 * Conventions, chosen so that one set of migrations and one set of queries serve both dialects:
 * - instants are BIGINT epoch milliseconds (UTC); PostgreSQL's int8 is parsed back into a JS number;
 * - JSON documents are TEXT holding JSON (parsed by the repositories, never by SQL);
 * - surrogate keys are integers; ids that people type (ban ids, exception ids) are text;
 * - an absent value is NULL, never an empty string.
 *
 * These are row types. Repositories map them to domain types; API presenters whitelist fields.
 */
export interface Database {
  bans: BanTable;
  ban_revisions: BanRevisionTable;
  devices: DeviceTable;
  device_sources: DeviceSourceTable;
  app_identities: AppIdentityTable;
  imports: ImportTable;
  snapshots: SnapshotTable;
  snapshot_apps: SnapshotAppTable;
  exceptions: ExceptionTable;
  findings: FindingTable;
  finding_history: FindingHistoryTable;
  audit_events: AuditEventTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  notification_channels: NotificationChannelTable;
  notifications: NotificationTable;
  notification_deliveries: NotificationDeliveryTable;
  notification_attempts: NotificationAttemptTable;
  cursors: CursorTable;
}

/** Epoch milliseconds. */
export type EpochMs = number;

/** One ban, whatever its revision; `title` follows the latest revision. */
export interface BanTable {
  id: string;
  title: string;
  created_at: EpochMs;
}

/** Every applied version of a ban; revisions count from 1 per ban. */
export interface BanRevisionTable {
  ban_id: string;
  revision: number;
  /** `banContentHash` of the document: equal bans hash equally. */
  content_hash: string;
  /** The `Ban` as canonical JSON. */
  document: string;
  applied_by: string;
  applied_at: EpochMs;
}

export const SNAPSHOT_COVERAGES = ['full', 'partial'] as const;
export type SnapshotCoverage = (typeof SNAPSHOT_COVERAGES)[number];

/**
 * One physical device, however many sources report it (matched by serial, UDID, hardware id, or
 * the source's own id). Descriptive fields follow the newest observation.
 */
export interface DeviceTable {
  id: Generated<number>;
  name: string | null;
  holder: string | null;
  /** `federal/finance/it`, no leading or trailing slash. */
  group_path: string | null;
  /** `owned` | `paid` | `byod` | `unknown` */
  ownership: string;
  /** A DevicePlatform or `unknown`. */
  platform: string;
  os_version: string | null;
  management_mode: string | null;
  /** Normalised (trimmed, upper case); placeholder serials such as `0` are stored as NULL. */
  serial: string | null;
  /** Normalised (trimmed, upper case). */
  udid: string | null;
  hardware_id: string | null;
  /** Earliest observation time of any snapshot of the device. */
  first_seen_at: EpochMs;
  /** When appban last received anything about the device (import time, wall clock). */
  last_seen_at: EpochMs;
  /** Newest observation time of any snapshot: the time the descriptive fields come from. */
  last_observed_at: EpochMs;
}

/** How each source names a device. */
export interface DeviceSourceTable {
  source: string;
  source_device_id: string;
  device_id: number;
}

/**
 * Interned app identifiers: snapshots refer to `(kind, value)` pairs by a small integer so that a
 * fleet's inventories fit in memory as int arrays.
 */
export interface AppIdentityTable {
  id: Generated<number>;
  /** An ObservedKind: `bundle-id`, `package`, `display-name`, ... */
  kind: string;
  value: string;
}

export const IMPORT_STATUSES = ['running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One inventory file or push; its snapshots are stored in one transaction. */
export interface ImportTable {
  id: Generated<number>;
  file: string | null;
  format: string | null;
  source_label: string | null;
  status: ImportStatus;
  snapshot_count: number;
  started_at: EpochMs;
  finished_at: EpochMs | null;
  /** The public error message when it failed (never a driver message or a secret). */
  error: string | null;
}

/** What one source saw on one device at one time. */
export interface SnapshotTable {
  id: Generated<number>;
  device_id: number;
  /** The source format, e.g. `osquery`. */
  source: string;
  source_device_id: string;
  /** `--source` label, e.g. `fleet-eu`. */
  source_label: string | null;
  /** When the source observed the device: history is ordered by this, not by import time. */
  observed_at: EpochMs;
  imported_at: EpochMs;
  coverage: SnapshotCoverage;
  import_id: number | null;
  /**
   * The snapshot's app identity ids, packed (app-id-pack.ts): a copy of its snapshot_apps rows, written
   * with them, so that loading a million devices reads one value per device instead of a hundred rows.
   */
  app_ids: Uint8Array;
}

/** The apps of one snapshot; one row per distinct identity. */
export interface SnapshotAppTable {
  snapshot_id: number;
  app_identity_id: number;
  name: string | null;
  version: string | null;
}

export const EXCEPTION_STATUSES = ['requested', 'approved', 'revoked'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/** Exceptions managed through the CLI or API (those written in a ban file live in its document). */
export interface ExceptionTable {
  id: string;
  ban_id: string;
  /** ExceptionSubjects as JSON: `{ group?, devices?, holders? }`. */
  subjects: string;
  reason: string;
  requested_by: string | null;
  approved_by: string | null;
  /** When it was approved: it covers nothing before, so reports for earlier days stay true. */
  approved_at: EpochMs | null;
  status: ExceptionStatus;
  starts_at: EpochMs | null;
  /** The first instant no longer covered. */
  expires_at: EpochMs;
  created_at: EpochMs;
  revoked_at: EpochMs | null;
  revoked_by: string | null;
}

export const FINDING_STATES = ['violating', 'compliant', 'excepted', 'not-in-scope', 'unknown'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

/** The current state of one device under one ban. */
export interface FindingTable {
  device_id: number;
  ban_id: string;
  revision: number;
  state: FindingState;
  /** When the device entered this state (observation time). */
  since: EpochMs;
  /** Removal deadline, for violations. */
  deadline: EpochMs | null;
  /** JSON array of the matched app identities. */
  matched: string;
  snapshot_id: number | null;
  evaluated_at: EpochMs;
}

/** Every change of a finding, appended; `at` is the observation time that showed it. */
export interface FindingHistoryTable {
  id: Generated<number>;
  device_id: number;
  ban_id: string;
  revision: number;
  /** NULL for the first finding of a device under a ban. */
  from_state: FindingState | null;
  to_state: FindingState;
  at: EpochMs;
  snapshot_id: number | null;
  /** JSON: matched apps, deadline, exception id... whatever explains the change. */
  evidence: string;
}

/** The hash-chained audit log; `hash` covers the event and `prev_hash`. */
export interface AuditEventTable {
  seq: number;
  at: EpochMs;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  /** JSON. */
  details: string;
  prev_hash: string;
  hash: string;
}

export const ROLES = ['admin', 'officer', 'auditor', 'reporter', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

/** A person who logs in to the dashboard. Passwords are stored as argon2id hashes only. */
export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  created_at: EpochMs;
  created_by: string;
  disabled_at: EpochMs | null;
}

/** A dashboard session; the cookie holds the token, the table only its SHA-256. */
export interface SessionTable {
  token_hash: string;
  user_id: number;
  /** Sent back in `x-csrf-token` on every unsafe request of the session. */
  csrf_token: string;
  created_at: EpochMs;
  expires_at: EpochMs;
}

/** An API token for scripts, agents and MDM webhooks; shown once, stored as a hash. */
export interface ApiTokenTable {
  /** The public part of the token (`abt_<id>_<secret>`), safe to log and list. */
  id: string;
  token_hash: string;
  name: string;
  role: Role;
  created_by: string;
  created_at: EpochMs;
  expires_at: EpochMs;
  revoked_at: EpochMs | null;
  last_used_at: EpochMs | null;
}

export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Where notifications go: a webhook URL (with its HMAC secret) or email addresses. */
export interface NotificationChannelTable {
  id: Generated<number>;
  kind: ChannelKind;
  /** The webhook URL, or comma-separated email addresses. */
  target: string;
  /** Webhooks: the HMAC-SHA256 signing secret. Never returned by the API after creation. */
  secret: string | null;
  /** JSON array of notification kinds, or `["*"]`. */
  events: string;
  created_by: string;
  created_at: EpochMs;
  disabled_at: EpochMs | null;
}

/** One thing worth telling; `dedupe_key` makes each raised once, whichever replica sees it first. */
export interface NotificationTable {
  id: Generated<number>;
  kind: string;
  dedupe_key: string;
  ban_id: string | null;
  device_id: number | null;
  /** JSON. */
  payload: string;
  created_at: EpochMs;
}

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One notification to one channel, retried with backoff until sent or given up. */
export interface NotificationDeliveryTable {
  id: Generated<number>;
  notification_id: number;
  channel_id: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: EpochMs | null;
  /** A replica sending it holds it until then, so two replicas do not send the same delivery. */
  claimed_until: EpochMs | null;
  last_error: string | null;
  last_status_code: number | null;
  updated_at: EpochMs;
}

/** The delivery log: every attempt, with its outcome. */
export interface NotificationAttemptTable {
  id: Generated<number>;
  delivery_id: number;
  attempt: number;
  at: EpochMs;
  outcome: 'sent' | 'retry' | 'failed';
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface CursorTable {
  name: string;
  value: number;
}

export type BanRow = Selectable<BanTable>;
export type BanRevisionRow = Selectable<BanRevisionTable>;
export type DeviceRow = Selectable<DeviceTable>;
export type NewDeviceRow = Insertable<DeviceTable>;
export type DeviceUpdate = Updateable<DeviceTable>;
export type DeviceSourceRow = Selectable<DeviceSourceTable>;
export type AppIdentityRow = Selectable<AppIdentityTable>;
export type ImportRow = Selectable<ImportTable>;
export type SnapshotRow = Selectable<SnapshotTable>;
export type NewSnapshotRow = Insertable<SnapshotTable>;
export type SnapshotAppRow = Selectable<SnapshotAppTable>;
export type ExceptionRow = Selectable<ExceptionTable>;
export type NewExceptionRow = Insertable<ExceptionTable>;
export type FindingRow = Selectable<FindingTable>;
export type NewFindingRow = Insertable<FindingTable>;
export type FindingHistoryRow = Selectable<FindingHistoryTable>;
export type NewFindingHistoryRow = Insertable<FindingHistoryTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type NewAuditEventRow = Insertable<AuditEventTable>;
export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type NotificationChannelRow = Selectable<NotificationChannelTable>;
export type NotificationRow = Selectable<NotificationTable>;
export type NotificationDeliveryRow = Selectable<NotificationDeliveryTable>;
export type NotificationAttemptRow = Selectable<NotificationAttemptTable>;
