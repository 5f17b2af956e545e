import type { Kysely } from 'kysely';
import { parseJsonColumn } from '../store/json-column.js';
import type { Database } from '../store/schema.js';
import type { HistoryEvidence } from './history/evidence.js';
import { rowToChange } from './history/evidence.js';
import { writeCurrentFindings } from './history/history.records.js';

/**
 * Brings the findings table up to the clock. History is written ahead with the changes the clock
 * alone brings (an inventory going stale, an exception or the ban ending, a revision coming into
 * force), so reports are right at any instant; the findings table, which the device list filters on,
 * holds the state at each device's last evaluation. This pass writes every finding whose history has
 * a change dated after that evaluation and at or before `now`. Idempotent and safe on several
 * replicas at once: each writes the same rows.
 */
export async function applyDueChanges(
  db: Kysely<Database>,
  window: { since: number; now: number },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const bans = (await trx.selectFrom('bans').select('id').execute()).map((b) => b.id);
    if (bans.length === 0) return 0;
    const rows = await trx
      .selectFrom('finding_history as h')
      .innerJoin('findings as f', (join) =>
        join.onRef('f.device_id', '=', 'h.device_id').onRef('f.ban_id', '=', 'h.ban_id'),
      )
      .select(['h.device_id', 'h.ban_id', 'h.revision', 'h.to_state', 'h.at', 'h.snapshot_id', 'h.evidence'])
      // One ban at a time in the planner's eyes: (ban_id, at) is indexed.
      .where('h.ban_id', 'in', bans)
      .where('h.at', '>', window.since)
      .where('h.at', '<=', window.now)
      .whereRef('h.at', '>', 'f.evaluated_at')
      .orderBy('h.device_id')
      .orderBy('h.ban_id')
      .orderBy('h.at')
      .orderBy('h.id')
      .execute();
    const latest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) latest.set(`${row.device_id}\u0000${row.ban_id}`, row);
    const current = [...latest.values()].map((row) => ({
      deviceId: row.device_id,
      banId: row.ban_id,
      change: rowToChange({
        ...row,
        evidence: parseJsonColumn<HistoryEvidence>(row.evidence, 'finding_history', 'evidence'),
      }),
    }));
    if (current.length > 0) await writeCurrentFindings(trx, current, window.now);
    return current.length;
  });
}

/** The earliest evaluation any finding holds: where a first pass must start looking. */
export async function oldestEvaluation(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('findings')
    .select((eb) => eb.fn.min('evaluated_at').as('oldest'))
    .executeTakeFirst();
  return Number(row?.oldest ?? Date.now());
}

export interface ClockPass {
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** Runs applyDueChanges every `intervalMs` (default one minute), from the oldest evaluation on. */
export function createClockPass(
  db: Kysely<Database>,
  options: { now?: () => number; intervalMs?: number; onError?: (error: unknown) => void } = {},
): ClockPass {
  const now = options.now ?? Date.now;
  let since: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  const runOnce = async () => {
    if (running) return running;
    running = (async () => {
      const until = now();
      since ??= await oldestEvaluation(db);
      const written = await applyDueChanges(db, { since, now: until });
      since = until;
      return written;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    runOnce,
    start() {
      timer ??= setInterval(() => {
        runOnce().catch((error: unknown) => options.onError?.(error));
      }, options.intervalMs ?? 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
