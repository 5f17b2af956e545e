import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Backoff, deliverDue } from './deliver.js';
import { createEmailSender, type EmailSender, type SmtpConfig } from './email.sender.js';
import { scanForNotifications } from './scan.js';
import type { Senders } from './sender.types.js';
import { createWebhookSender } from './webhook.sender.js';

export interface NotifierOptions {
  db: Kysely<Database>;
  /** The clock (default Date.now). */
  now?: () => number;
  /** Without it, email deliveries wait (and are retried) until mail is configured. */
  smtp?: SmtpConfig;
  /** For webhooks (default: the global fetch). */
  fetch?: typeof fetch;
  /** Between background runs (default 15 s). */
  intervalMs?: number;
  /** From a kick to the run it asks for (default 250 ms), so that a burst of commits makes one run. */
  kickDelayMs?: number;
  webhookTimeoutMs?: number;
  maxAttempts?: number;
  backoff?: Backoff;
  log?: (entry: NotifierLogEntry) => void;
}

export interface NotifierLogEntry {
  level: 'info' | 'error';
  message: string;
  /** The error a run failed with, for the server's logger (it may quote SQL; never show it to users). */
  error?: unknown;
  summary?: RunSummary;
}

export interface RunSummary {
  raised: number;
  sent: number;
  failed: number;
  retried: number;
}

export interface Notifier {
  /** Scans and delivers once; waits for a run already going instead of overlapping it. */
  runOnce(): Promise<RunSummary>;
  /** Runs in the background every `intervalMs` until stop. */
  start(): void;
  stop(): Promise<void>;
  /** Asks for a run soon, e.g. right after a commit that may call for notifications (only while started). */
  kick(): void;
}

const MAX_BATCHES_PER_RUN = 10;
const BATCH = 20;

/** The background worker that turns committed changes into notifications and sends them. */
export function createNotifier(options: NotifierOptions): Notifier {
  const { db } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 15_000;
  const kickDelayMs = options.kickDelayMs ?? 250;
  const email: EmailSender | undefined = options.smtp && createEmailSender(options.smtp);
  const senders: Senders = {
    webhook: createWebhookSender({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs }),
    }),
    ...(email ? { email: email.send } : {}),
  };

  let tail: Promise<unknown> = Promise.resolve();
  let running = 0;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Infinity;
  let kickedWhileRunning = false;

  async function run(): Promise<RunSummary> {
    const { raised } = await scanForNotifications(db, { now: now() });
    const summary: RunSummary = { raised, sent: 0, failed: 0, retried: 0 };
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const delivered = await deliverDue(db, {
        now: now(),
        senders,
        limit: BATCH,
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
      summary.sent += delivered.sent;
      summary.failed += delivered.failed;
      summary.retried += delivered.retried;
      if (delivered.claimed < BATCH) break;
    }
    return summary;
  }

  function runOnce(): Promise<RunSummary> {
    running++;
    const next = tail.then(run).finally(() => {
      running--;
    });
    tail = next.catch(() => {});
    return next;
  }

  function schedule(delayMs: number): void {
    if (!started) return;
    const at = Date.now() + delayMs;
    if (timer !== undefined && dueAt <= at) return;
    if (timer !== undefined) clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    dueAt = Infinity;
    kickedWhileRunning = false;
    runOnce()
      .then((summary) => {
        if (summary.raised + summary.sent + summary.failed + summary.retried > 0) {
          options.log?.({ level: 'info', message: 'Notifications run', summary });
        }
      })
      .catch((error: unknown) => {
        options.log?.({
          level: 'error',
          message: 'A notifications run failed; the next run retries.',
          error,
        });
      })
      .finally(() => schedule(kickedWhileRunning ? kickDelayMs : intervalMs));
  }

  return {
    runOnce,
    start() {
      if (started) return;
      started = true;
      schedule(kickDelayMs);
    },
    async stop() {
      started = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      dueAt = Infinity;
      await tail;
      email?.close();
    },
    kick() {
      if (!started) return;
      // A run in progress may have scanned before the commit that kicked: run once more after it.
      if (running > 0) kickedWhileRunning = true;
      else schedule(kickDelayMs);
    },
  };
}
