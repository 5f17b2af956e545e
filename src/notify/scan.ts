import { type Kysely, sql } from 'kysely';
import type { Ban } from '../bans/ban.types.js';
import { DAY_MS, parseCalendarDate } from '../lib/dates.js';
import { dialectOf, lockKey, rowsPerInsert } from '../store/dialect.js';
import type { Trx } from '../store/executor.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { Database } from '../store/schema.js';
import { filterMatches, type NotificationKind } from './notification.kinds.js';
import {
  deadlineDate,
  exceptionSummary,
  iso,
  type NotificationPayload,
  type PayloadApp,
  type PayloadDevice,
  reviewSummary,
  violationSummary,
} from './notification.payload.js';

export interface ScanOptions {
  /** The clock (epoch ms): history written ahead of it is not yet true. */
  now: number;
  /** A violation that began longer ago than this is not news (default 7 days). */
  maxAgeMs?: number;
  /** Exceptions expiring within this are announced (default 14 days). */
  exceptionWindowMs?: number;
  /** Review dates within this are announced (default 30 days). */
  reviewWindowMs?: number;
  /** History rows read per query (default 1000). */
  pageSize?: number;
}

export interface ScanResult {
  /** Notifications raised by this scan (not those another replica raised first). */
  raised: number;
  /** Deliveries queued for them. */
  deliveries: number;
}

interface Candidate {
  kind: NotificationKind;
  dedupeKey: string;
  banId: string | null;
  deviceId: number | null;
  payload: NotificationPayload;
}

const CURSOR_LOW = 'notify.history';
const CURSOR_HIGH = 'notify.history.high';
const CURSOR_XMAX = 'notify.history.xmax';
const CURSOR_AT = 'notify.history.at';
const MAX_PAGES = 50;

/**
 * Raises the notifications that committed data calls for, each once whichever replica scans first,
 * and queues a delivery per enabled channel that wants it. Sends nothing: see deliverDue.
 */
export async function scanForNotifications(db: Kysely<Database>, options: ScanOptions): Promise<ScanResult> {
  const now = options.now;
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, 'notify', 'scan');
    const context = await loadContext(trx);
    const candidates = [
      ...(await newViolationsFromHistory(trx, context, options)),
      ...(await violationsFromFindings(trx, context, options, 'violation.new')),
      ...(await violationsFromFindings(trx, context, options, 'violation.overdue')),
      ...(await expiringExceptions(trx, context, now, options.exceptionWindowMs ?? 14 * DAY_MS)),
      ...(await reviewsDue(trx, now, options.reviewWindowMs ?? 30 * DAY_MS)),
    ];
    const raised = await insertNotifications(trx, candidates, now);
    const deliveries = await queueDeliveries(trx, raised, now);
    return { raised: raised.length, deliveries };
  });
}

export function dedupeKey(kind: NotificationKind, ...parts: Array<string | number>): string {
  return [kind, ...parts].join(':');
}

/** The SQL twin of dedupeKey, so that already raised candidates are skipped in the database. */
function notYetRaised(kind: NotificationKind, ...parts: ReturnType<typeof sql.ref>[]) {
  // Casts keep PostgreSQL from guessing the type of each operand (and print bigints without a decimal).
  const key = parts.reduce(
    (acc, part) => sql`${acc} || ':' || cast(${part} as text)`,
    sql`cast(${kind} as text)`,
  );
  return sql<boolean>`not exists (select 1 from notifications n where n.dedupe_key = ${key})`;
}

interface ScanContext {
  banTitles: Map<string, string>;
}

async function loadContext(trx: Trx): Promise<ScanContext> {
  const bans = await trx.selectFrom('bans').select(['id', 'title']).execute();
  return { banTitles: new Map(bans.map((b) => [b.id, b.title])) };
}

function banOf(context: ScanContext, banId: string): { id: string; title: string } {
  return { id: banId, title: context.banTitles.get(banId) ?? banId };
}

async function readCursor(trx: Trx, name: string): Promise<number | undefined> {
  const row = await trx.selectFrom('cursors').select('value').where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : Number(row.value);
}

async function writeCursor(trx: Trx, name: string, value: number): Promise<void> {
  await trx
    .insertInto('cursors')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/**
 * PostgreSQL hands out identity values when rows are inserted, not when they commit, so a scan can
 * see row 101 while row 100 is still uncommitted. The scan therefore reads from a low-water mark
 * that it raises to the previous scan's high-water mark only once every transaction running at the
 * end of that scan has ended (`pg_snapshot_xmin` has passed its `xmax`); rows between the two are
 * read again, and the dedupe keys skip them. SQLite has one writer at a time and needs none of it.
 */
async function transactionHorizon(trx: Trx): Promise<{ xmin: number; xmax: number }> {
  if (dialectOf(trx) !== 'postgres') return { xmin: 0, xmax: 0 };
  const { rows } = await sql<{ xmin: string; xmax: string }>`
    select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
           pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(trx);
  const row = rows[0];
  return { xmin: Number(row?.xmin ?? 0), xmax: Number(row?.xmax ?? 0) };
}

/**
 * New violations from the history: rows turning a finding into `violating` from anything else.
 * Each scan reads the rows appended since the low-water mark, plus older rows whose time (written
 * ahead by the clock-driven changes) has come since the previous scan.
 */
async function newViolationsFromHistory(
  trx: Trx,
  context: ScanContext,
  options: ScanOptions,
): Promise<Candidate[]> {
  const { now } = options;
  const maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
  const pageSize = options.pageSize ?? 1000;
  const low = (await readCursor(trx, CURSOR_LOW)) ?? 0;
  const previousHigh = await readCursor(trx, CURSOR_HIGH);
  const previousXmax = await readCursor(trx, CURSOR_XMAX);
  const lastNow = (await readCursor(trx, CURSOR_AT)) ?? 0;
  // Checked before reading: if every transaction running at the end of the previous scan has ended,
  // this scan sees all rows up to that scan's high-water mark, and later scans need not read them.
  let nextLow = low;
  if (previousHigh !== undefined && previousHigh > low) {
    const { xmin } = await transactionHorizon(trx);
    if (xmin >= (previousXmax ?? 0)) nextLow = previousHigh;
  }

  const candidates: Candidate[] = [];
  let after = 0;
  let complete = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await trx
      .selectFrom('finding_history as h')
      .leftJoin('devices as d', 'd.id', 'h.device_id')
      .select([
        'h.id',
        'h.device_id',
        'h.ban_id',
        'h.at',
        'h.evidence',
        'd.name',
        'd.holder',
        'd.group_path',
        'd.platform',
      ])
      .where('h.to_state', '=', 'violating')
      .where((eb) => eb.or([eb('h.from_state', 'is', null), eb('h.from_state', '<>', 'violating')]))
      .where('h.at', '<=', now)
      .where('h.at', '>=', now - maxAgeMs)
      .where((eb) => eb.or([eb('h.id', '>', low), eb('h.at', '>', lastNow)]))
      .where('h.id', '>', after)
      .where(notYetRaised('violation.new', sql.ref('h.ban_id'), sql.ref('h.device_id'), sql.ref('h.at')))
      .orderBy('h.id')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const evidence = parseJsonColumn<{ apps?: EvidenceApp[]; deadline?: number | null }>(
        row.evidence,
        'finding_history',
        'evidence',
      );
      candidates.push(
        violationCandidate(context, 'violation.new', now, {
          banId: row.ban_id,
          device: {
            id: row.device_id,
            name: row.name,
            holder: row.holder,
            group: row.group_path,
            platform: row.platform,
          },
          apps: (evidence.apps ?? []).map((a) => ({
            app: a.app ?? null,
            name: a.name ?? null,
            identifier: a.value,
          })),
          since: row.at,
          deadline: evidence.deadline ?? null,
        }),
      );
    }
    after = rows.at(-1)?.id ?? after;
    if (rows.length < pageSize) {
      complete = true;
      break;
    }
  }

  // Read this far: everything (rows skipped as already raised or too old included), or up to `after`.
  let high = Math.max(low, after);
  if (complete) {
    const newest = await trx
      .selectFrom('finding_history')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    high = Math.max(high, Number(newest?.id ?? 0));
  } else {
    nextLow = Math.min(nextLow, high);
  }

  const { xmax } = await transactionHorizon(trx);
  if (dialectOf(trx) === 'postgres') {
    await writeCursor(trx, CURSOR_LOW, nextLow);
    await writeCursor(trx, CURSOR_HIGH, high);
    await writeCursor(trx, CURSOR_XMAX, xmax);
  } else {
    await writeCursor(trx, CURSOR_LOW, high);
  }
  // Older rows whose time came since the last scan were read first (lower ids); cut short before
  // reaching the new rows, they may not all be read yet.
  if (complete || after > low) await writeCursor(trx, CURSOR_AT, Math.max(lastNow, now));
  return candidates;
}

interface EvidenceApp {
  app?: string;
  name?: string;
  value: string;
}

interface FindingMatched {
  value: string;
  name?: string;
  appId?: string;
}

/**
 * Violations read from the current findings. `violation.overdue` comes only from here (a deadline
 * passing writes no history row). `violation.new` comes from here too, as a safety net for history
 * rows the cursor cannot see: SQLite reuses the ids of history rows that a re-evaluation deleted.
 * A finding whose history has since moved on (a change written ahead whose time has come) is skipped.
 */
async function violationsFromFindings(
  trx: Trx,
  context: ScanContext,
  options: ScanOptions,
  kind: 'violation.new' | 'violation.overdue',
): Promise<Candidate[]> {
  const { now } = options;
  let query = trx
    .selectFrom('findings as f')
    .leftJoin('devices as d', 'd.id', 'f.device_id')
    .select([
      'f.device_id',
      'f.ban_id',
      'f.since',
      'f.deadline',
      'f.matched',
      'd.name',
      'd.holder',
      'd.group_path',
      'd.platform',
    ])
    .where('f.state', '=', 'violating')
    .where('f.since', '<=', now)
    .where(notYetRaised(kind, sql.ref('f.ban_id'), sql.ref('f.device_id'), sql.ref('f.since')))
    .where(
      sql<boolean>`not exists (select 1 from finding_history h where h.device_id = f.device_id and h.ban_id = f.ban_id and h.at > f.since and h.at <= ${now} and h.to_state <> 'violating')`,
    )
    .orderBy('f.ban_id')
    .orderBy('f.device_id');
  query =
    kind === 'violation.new'
      ? query.where('f.since', '>=', now - (options.maxAgeMs ?? 7 * DAY_MS))
      : query.where('f.deadline', 'is not', null).where('f.deadline', '<=', now - DAY_MS);
  const rows = await query.execute();
  return rows.map((row) =>
    violationCandidate(context, kind, now, {
      banId: row.ban_id,
      device: {
        id: row.device_id,
        name: row.name,
        holder: row.holder,
        group: row.group_path,
        platform: row.platform,
      },
      apps: parseJsonColumn<FindingMatched[]>(row.matched, 'findings', 'matched').map((m) => ({
        app: m.appId ?? null,
        name: m.name ?? null,
        identifier: m.value,
      })),
      since: row.since,
      deadline: row.deadline,
    }),
  );
}

function violationCandidate(
  context: ScanContext,
  kind: 'violation.new' | 'violation.overdue',
  now: number,
  v: { banId: string; device: PayloadDevice; apps: PayloadApp[]; since: number; deadline: number | null },
): Candidate {
  return {
    kind,
    dedupeKey: dedupeKey(kind, v.banId, v.device.id, v.since),
    banId: v.banId,
    deviceId: v.device.id,
    payload: {
      kind,
      at: iso(now),
      summary: violationSummary(kind, v.banId, v.device, v.apps),
      ban: banOf(context, v.banId),
      device: v.device,
      apps: v.apps,
      since: iso(v.since),
      deadline: deadlineDate(v.deadline),
      ...(kind === 'violation.overdue' && v.deadline !== null
        ? { overdueSince: iso(v.deadline + DAY_MS) }
        : {}),
    },
  };
}

async function expiringExceptions(
  trx: Trx,
  context: ScanContext,
  now: number,
  windowMs: number,
): Promise<Candidate[]> {
  const rows = await trx
    .selectFrom('exceptions')
    .select(['id', 'ban_id', 'reason', 'approved_by', 'subjects', 'expires_at'])
    .where('status', '=', 'approved')
    .where('expires_at', '>', now)
    .where('expires_at', '<=', now + windowMs)
    .orderBy('expires_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    kind: 'exception.expiring',
    dedupeKey: dedupeKey('exception.expiring', row.id, row.expires_at),
    banId: row.ban_id,
    deviceId: null,
    payload: {
      kind: 'exception.expiring',
      at: iso(now),
      summary: exceptionSummary(row.id, row.ban_id, row.expires_at),
      ban: banOf(context, row.ban_id),
      exception: {
        id: row.id,
        reason: row.reason,
        approvedBy: row.approved_by,
        subjects: parseJsonColumn<unknown>(row.subjects, 'exceptions', 'subjects'),
        expiresAt: iso(row.expires_at),
      },
    },
  }));
}

async function reviewsDue(trx: Trx, now: number, windowMs: number): Promise<Candidate[]> {
  const rows = await trx
    .selectFrom('ban_revisions as r')
    .select(['r.ban_id', 'r.document'])
    .where('r.revision', '=', (eb) =>
      eb
        .selectFrom('ban_revisions as r2')
        .select((e) => e.fn.max('r2.revision').as('revision'))
        .whereRef('r2.ban_id', '=', 'r.ban_id'),
    )
    .orderBy('r.ban_id')
    .execute();
  const candidates: Candidate[] = [];
  for (const row of rows) {
    const ban = parseJsonColumn<Ban>(row.document, 'ban_revisions', 'document');
    const review = ban.period?.review;
    const reviewAt = review === undefined ? undefined : parseCalendarDate(review);
    if (review === undefined || reviewAt === undefined) continue;
    const endAt = ban.period.end === undefined ? undefined : parseCalendarDate(ban.period.end);
    if (endAt !== undefined && endAt + DAY_MS <= now) continue;
    // Due from 30 days ahead until the review day is over.
    if (reviewAt - now > windowMs || reviewAt + DAY_MS <= now) continue;
    candidates.push({
      kind: 'ban.review-due',
      dedupeKey: dedupeKey('ban.review-due', row.ban_id, review),
      banId: row.ban_id,
      deviceId: null,
      payload: {
        kind: 'ban.review-due',
        at: iso(now),
        summary: reviewSummary(row.ban_id, review),
        ban: { id: row.ban_id, title: ban.title },
        reviewDate: review,
        daysLeft: Math.max(0, Math.ceil((reviewAt - now) / DAY_MS)),
      },
    });
  }
  return candidates;
}

interface Raised {
  id: number;
  kind: string;
}

/** Inserts the candidates, ignoring those whose dedupe key exists; returns the ones this scan raised. */
async function insertNotifications(
  trx: Trx,
  candidates: readonly Candidate[],
  now: number,
): Promise<Raised[]> {
  const unique = [...new Map(candidates.map((c) => [c.dedupeKey, c])).values()];
  const raised: Raised[] = [];
  const chunk = rowsPerInsert(trx, 6, 500);
  for (let i = 0; i < unique.length; i += chunk) {
    const rows = await trx
      .insertInto('notifications')
      .values(
        unique.slice(i, i + chunk).map((c) => ({
          kind: c.kind,
          dedupe_key: c.dedupeKey,
          ban_id: c.banId,
          device_id: c.deviceId,
          payload: JSON.stringify(c.payload),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(['id', 'kind'])
      .execute();
    raised.push(...rows);
  }
  return raised;
}

async function queueDeliveries(trx: Trx, raised: readonly Raised[], now: number): Promise<number> {
  if (raised.length === 0) return 0;
  const channels = await trx
    .selectFrom('notification_channels')
    .select(['id', 'events'])
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  const subscriptions = channels.map((c) => ({
    id: c.id,
    events: parseJsonColumn<string[]>(c.events, 'notification_channels', 'events'),
  }));
  const rows = raised.flatMap((n) =>
    subscriptions
      .filter((c) => filterMatches(c.events, n.kind))
      .map((c) => ({
        notification_id: n.id,
        channel_id: c.id,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        claimed_until: null,
        last_error: null,
        last_status_code: null,
        updated_at: now,
      })),
  );
  const chunk = rowsPerInsert(trx, 9, 500);
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto('notification_deliveries')
      .values(rows.slice(i, i + chunk))
      .execute();
  }
  return rows.length;
}
