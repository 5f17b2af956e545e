import type { Executor } from '../store/executor.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { ChannelKind, DeliveryStatus } from '../store/schema.js';
import type { NotificationPayload } from './notification.payload.js';

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  outcome: 'sent' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryLogEntry {
  id: number;
  notificationId: number;
  kind: string;
  summary: string;
  channelId: number;
  channelKind: ChannelKind;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  lastStatusCode: number | null;
  updatedAt: number;
  log: DeliveryAttempt[];
}

export interface StoredNotification {
  id: number;
  kind: string;
  banId: string | null;
  deviceId: number | null;
  payload: NotificationPayload;
  createdAt: number;
}

/** A page, newest first; pass `nextBeforeId` as `beforeId` for the next one (null: no more). */
export interface Page<T> {
  items: T[];
  nextBeforeId: number | null;
}

const MAX_PAGE = 200;

function pageLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(MAX_PAGE, Math.trunc(limit ?? 50)));
}

/** Deliveries with their attempts, newest first. */
export async function listDeliveries(
  db: Executor,
  filter: {
    status?: DeliveryStatus;
    channelId?: number;
    notificationId?: number;
    beforeId?: number;
    limit?: number;
  } = {},
): Promise<Page<DeliveryLogEntry>> {
  const limit = pageLimit(filter.limit);
  let query = db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .innerJoin('notification_channels as c', 'c.id', 'd.channel_id')
    .select([
      'd.id',
      'd.notification_id',
      'd.channel_id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_error',
      'd.last_status_code',
      'd.updated_at',
      'n.kind',
      'n.payload',
      'c.kind as channel_kind',
    ])
    .orderBy('d.id', 'desc')
    .limit(limit + 1);
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status);
  if (filter.channelId !== undefined) query = query.where('d.channel_id', '=', filter.channelId);
  if (filter.notificationId !== undefined)
    query = query.where('d.notification_id', '=', filter.notificationId);
  if (filter.beforeId !== undefined) query = query.where('d.id', '<', filter.beforeId);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const attempts =
    page.length === 0
      ? []
      : await db
          .selectFrom('notification_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            page.map((r) => r.id),
          )
          .orderBy('delivery_id')
          .orderBy('attempt')
          .orderBy('id')
          .execute();
  const byDelivery = new Map<number, DeliveryAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({
      attempt: a.attempt,
      at: a.at,
      outcome: a.outcome,
      statusCode: a.status_code,
      error: a.error,
      durationMs: a.duration_ms,
    });
    byDelivery.set(a.delivery_id, list);
  }
  return {
    items: page.map((r) => ({
      id: r.id,
      notificationId: r.notification_id,
      kind: r.kind,
      summary: parseJsonColumn<NotificationPayload>(r.payload, 'notifications', 'payload').summary,
      channelId: r.channel_id,
      channelKind: r.channel_kind,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      lastStatusCode: r.last_status_code,
      updatedAt: r.updated_at,
      log: byDelivery.get(r.id) ?? [],
    })),
    nextBeforeId: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Notifications raised, newest first. */
export async function listNotifications(
  db: Executor,
  filter: { kind?: string; banId?: string; beforeId?: number; limit?: number } = {},
): Promise<Page<StoredNotification>> {
  const limit = pageLimit(filter.limit);
  let query = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'ban_id', 'device_id', 'payload', 'created_at'])
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.banId !== undefined) query = query.where('ban_id', '=', filter.banId);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      banId: r.ban_id,
      deviceId: r.device_id,
      payload: parseJsonColumn<NotificationPayload>(r.payload, 'notifications', 'payload'),
      createdAt: r.created_at,
    })),
    nextBeforeId: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
