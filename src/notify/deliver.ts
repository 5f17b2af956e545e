import type { Kysely } from 'kysely';
import { capabilitiesOf } from '../store/dialect.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { Database } from '../store/schema.js';
import { loadChannelsForSending } from './channel.repository.js';
import type { NotificationPayload } from './notification.payload.js';
import { redact, type Senders, type SendResult } from './sender.types.js';

export interface BackoffOptions {
  /** First retry after about this long (default 30 s). */
  baseMs?: number;
  /** No wait longer than this (default 1 h). */
  capMs?: number;
  /** ± this fraction at random, so that replicas and receivers do not retry in lockstep (default 0.2). */
  jitter?: number;
  random?: () => number;
}

/** How long to wait after the n-th failed attempt (n from 1): base × 2^(n−1), capped, with jitter. */
export type Backoff = (attempt: number) => number;

export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const base = options.baseMs ?? 30_000;
  const cap = options.capMs ?? 3_600_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  return (attempt) => {
    const plain = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
    return Math.round(Math.min(cap, plain * (1 - jitter + 2 * jitter * random())));
  };
}

export interface DeliverOptions {
  now: number;
  senders: Senders;
  /** Attempts before a delivery ends as failed (default 8). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Deliveries claimed per call (default 20). */
  limit?: number;
  /** How long a claim holds off other replicas (default 10 min: longer than any batch of sends). */
  claimMs?: number;
  /** Sends at once (default 4). */
  concurrency?: number;
  /** The wall clock, for attempt durations (default Date.now). */
  clock?: () => number;
}

export interface DeliverResult {
  /** Deliveries this call claimed. */
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
}

interface Claimed {
  id: number;
  notificationId: number;
  channelId: number;
  attempts: number;
  claimedUntil: number;
}

/**
 * Sends the deliveries that are due. Each is claimed first with one atomic UPDATE, so replicas (or
 * two calls in one process) never send the same delivery; sending happens outside any transaction;
 * every attempt is logged, and a retry is rescheduled with backoff until `maxAttempts`.
 */
export async function deliverDue(db: Kysely<Database>, options: DeliverOptions): Promise<DeliverResult> {
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoff ?? exponentialBackoff();
  const clock = options.clock ?? Date.now;
  const claimed = await claimDue(db, options.now, options.limit ?? 20, options.claimMs ?? 600_000);
  const result: DeliverResult = { claimed: claimed.length, sent: 0, failed: 0, retried: 0 };
  if (claimed.length === 0) return result;

  const notifications = await loadNotifications(db, [...new Set(claimed.map((c) => c.notificationId))]);
  const channels = await loadChannelsForSending(db, [...new Set(claimed.map((c) => c.channelId))]);

  const sendOne = async (delivery: Claimed) => {
    const notification = notifications.get(delivery.notificationId);
    const channel = channels.get(delivery.channelId);
    const attempt = delivery.attempts + 1;
    const started = clock();
    let outcome: SendResult;
    if (!notification || !channel) {
      outcome = {
        outcome: 'failed',
        statusCode: null,
        error: 'The notification or its channel no longer exists.',
      };
    } else if (channel.disabledAt !== null) {
      outcome = { outcome: 'failed', statusCode: null, error: 'The channel was disabled.' };
    } else {
      const sender = options.senders[channel.kind];
      if (!sender) {
        outcome = {
          outcome: 'retry',
          statusCode: null,
          error: `No ${channel.kind} sender is configured${channel.kind === 'email' ? ' (set APPBAN_SMTP_URL and APPBAN_SMTP_FROM)' : ''}.`,
        };
      } else {
        try {
          outcome = await sender({
            deliveryId: delivery.id,
            notificationId: notification.id,
            kind: notification.kind,
            payload: notification.payload,
            channel,
            now: options.now,
          });
        } catch (error) {
          // A sender should not throw; if one does, its message is still kept free of the channel's secret.
          outcome = {
            outcome: 'retry',
            statusCode: null,
            error: error instanceof Error ? error.message : 'The sender failed.',
          };
        }
      }
    }
    const durationMs = Math.max(0, Math.round(clock() - started));
    if (outcome.outcome === 'retry' && attempt >= maxAttempts) {
      outcome = {
        ...outcome,
        outcome: 'failed',
        error: `Gave up after ${attempt} attempts: ${outcome.error ?? ''}`,
      };
    }
    const error = outcome.error === null ? null : redact(outcome.error, [channel?.secret]);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notification_attempts')
        .values({
          delivery_id: delivery.id,
          attempt,
          at: options.now,
          outcome: outcome.outcome,
          status_code: outcome.statusCode,
          error,
          duration_ms: durationMs,
        })
        .execute();
      await trx
        .updateTable('notification_deliveries')
        .set({
          status: outcome.outcome === 'retry' ? 'pending' : outcome.outcome,
          attempts: attempt,
          next_attempt_at: outcome.outcome === 'retry' ? options.now + backoff(attempt) : null,
          claimed_until: null,
          last_error: error,
          last_status_code: outcome.statusCode,
          updated_at: options.now,
        })
        // Only while the claim is still ours: had it lapsed and another replica taken over, its record wins.
        .where('id', '=', delivery.id)
        .where('claimed_until', '=', delivery.claimedUntil)
        .where('attempts', '=', delivery.attempts)
        .execute();
    });
    if (outcome.outcome === 'sent') result.sent++;
    else if (outcome.outcome === 'failed') result.failed++;
    else result.retried++;
  };

  const queue = [...claimed];
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await sendOne(next);
  });
  await Promise.all(workers);
  return result;
}

/**
 * One UPDATE claims the due deliveries: the `claimed_until` test is in the UPDATE's own WHERE, so on
 * PostgreSQL a concurrent claimer that waited for the row lock re-checks it against the new row and
 * skips it; SKIP LOCKED lets it take other rows instead of waiting. SQLite runs one writer at a time.
 */
async function claimDue(
  db: Kysely<Database>,
  now: number,
  limit: number,
  claimMs: number,
): Promise<Claimed[]> {
  const claimedUntil = now + claimMs;
  const rowLocks = capabilitiesOf(db).rowLocks;
  const rows = await db
    .updateTable('notification_deliveries')
    .set({ claimed_until: claimedUntil, updated_at: now })
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('notification_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((e) => e.or([e('claimed_until', 'is', null), e('claimed_until', '<', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      return rowLocks ? due.forUpdate().skipLocked() : due;
    })
    .returning(['id', 'notification_id', 'channel_id', 'attempts', 'claimed_until'])
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      notificationId: r.notification_id,
      channelId: r.channel_id,
      attempts: r.attempts,
      claimedUntil: Number(r.claimed_until),
    }))
    .sort((a, b) => a.id - b.id);
}

interface LoadedNotification {
  id: number;
  kind: string;
  payload: NotificationPayload;
}

async function loadNotifications(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, LoadedNotification>> {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'payload'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        payload: parseJsonColumn<NotificationPayload>(r.payload, 'notifications', 'payload'),
      },
    ]),
  );
}
