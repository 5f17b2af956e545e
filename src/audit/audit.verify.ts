import { AUDIT_GENESIS_HASH, listAuditRows } from '../store/audit.repository.js';
import type { Executor } from '../store/executor.js';
import type { AuditEventRow } from '../store/schema.js';
import { auditEventHash } from './audit.hash.js';

export type AuditProblemKind = 'edited' | 'deleted' | 'reordered' | 'truncated';

export interface AuditProblem {
  /** The seq of the event where the break shows. */
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string } | null;
  problems: AuditProblem[];
}

/** The row fields the hash covers, in any source: the store, or an exported chain. */
export interface ChainRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  details: string;
  prev_hash: string;
  hash: string;
}

function recompute(row: ChainRow, seq: number): string {
  return auditEventHash({
    seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    detailsText: row.details,
    prevHash: row.prev_hash,
  });
}

/** How far from its place a moved event is looked for; beyond that it is reported as edited. */
const REORDER_WINDOW = 1000;

/** The seq under which an event's content hashes to its stored hash, when it is not its current one. */
function findOriginalSeq(row: ChainRow, seqOfHash: ReadonlyMap<string, number>): number | undefined {
  const linked = row.prev_hash === AUDIT_GENESIS_HASH ? 0 : seqOfHash.get(row.prev_hash);
  const candidates = linked === undefined ? [] : [linked + 1];
  for (let d = 1; d <= REORDER_WINDOW; d++) candidates.push(row.seq - d, row.seq + d);
  return candidates.find((seq) => seq >= 1 && seq !== row.seq && recompute(row, seq) === row.hash);
}

/**
 * Checks a chain in seq order and says what broke where. Each event's hash covers its content, its
 * seq and the previous hash, so:
 * - content changed (hash recomputed or not) → `edited`;
 * - an event that hashes correctly only under another seq → `reordered`;
 * - a link to a hash that is nowhere in the chain, or a gap in seq → `deleted`;
 * - a head other than the one an auditor holds from an earlier export → `truncated`.
 */
export function verifyChain(
  rows: readonly ChainRow[],
  options: { expectedHead?: string } = {},
): AuditVerification {
  const problems: AuditProblem[] = [];
  const seqOfHash = new Map<string, number>();
  for (const row of rows) seqOfHash.set(row.hash, row.seq);
  let previous: ChainRow | undefined;
  for (const row of rows) {
    const expectedSeq = previous ? previous.seq + 1 : 1;
    const expectedPrev = previous ? previous.hash : AUDIT_GENESIS_HASH;
    const contentOk = recompute(row, row.seq) === row.hash;
    const linkOk = row.prev_hash === expectedPrev;
    if (!contentOk) {
      const originalSeq = findOriginalSeq(row, seqOfHash);
      if (originalSeq !== undefined) {
        problems.push({
          seq: row.seq,
          kind: 'reordered',
          message: `event #${row.seq} (${row.action} ${row.object_type} ${row.object_id}) was written as #${originalSeq}; the events were reordered`,
        });
      } else {
        problems.push({
          seq: row.seq,
          kind: 'edited',
          message: `event #${row.seq} (${row.action} ${row.object_type} ${row.object_id}) does not match its hash: it was edited after it was written`,
        });
      }
    } else if (!linkOk) {
      const linkedSeq = seqOfHash.get(row.prev_hash);
      if (linkedSeq !== undefined) {
        problems.push({
          seq: row.seq,
          kind: 'reordered',
          message: `event #${row.seq} was chained after event #${linkedSeq}, not after #${previous?.seq ?? 0}; the events were reordered`,
        });
      } else if (row.seq !== expectedSeq) {
        problems.push({
          seq: row.seq,
          kind: 'deleted',
          message: `event${row.seq - expectedSeq > 1 ? 's' : ''} #${expectedSeq}${row.seq - expectedSeq > 1 ? `–#${row.seq - 1}` : ''} before #${row.seq} are missing: deleted`,
        });
      } else if (previous) {
        problems.push({
          seq: previous.seq,
          kind: 'edited',
          message: `event #${previous.seq} was edited and its hash recomputed: event #${row.seq} was chained to a different hash`,
        });
      } else {
        problems.push({
          seq: row.seq,
          kind: 'deleted',
          message: `event #${row.seq} is the first left but was chained after another event: the events before it were deleted`,
        });
      }
    } else if (row.seq !== expectedSeq) {
      problems.push({
        seq: row.seq,
        kind: 'reordered',
        message: `event #${row.seq} follows #${previous?.seq ?? 0}: its seq was changed`,
      });
    }
    previous = row;
  }
  const head = previous ? { seq: previous.seq, hash: previous.hash } : null;
  if (options.expectedHead !== undefined && options.expectedHead !== head?.hash) {
    const known = seqOfHash.get(options.expectedHead);
    problems.push({
      seq: head?.seq ?? 0,
      kind: known === undefined ? 'truncated' : 'truncated',
      message:
        known === undefined
          ? `the chain does not contain the expected head ${options.expectedHead.slice(0, 12)}…: events at its end were deleted or replaced`
          : `the expected head is event #${known}; the chain continues to #${head?.seq ?? 0}`,
    });
  }
  return { ok: problems.length === 0, events: rows.length, head, problems };
}

/** The stored chain in seq order, a page at a time, rows exactly as stored (and hashed). */
export async function* auditPages(db: Executor): AsyncGenerator<AuditEventRow[]> {
  let afterSeq = 0;
  for (;;) {
    const page = await listAuditRows(db, { afterSeq, limit: 5000 });
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < 5000) return;
    afterSeq = last.seq;
  }
}

/**
 * Reads the chain from the store a page at a time and verifies it. An intact chain needs only the
 * previous event in memory, however long it is; only when something is wrong is the whole chain read
 * again to say what happened to which event.
 */
export async function verifyStoredChain(
  db: Executor,
  options: { expectedHead?: string } = {},
): Promise<AuditVerification> {
  let previous: ChainRow | undefined;
  let events = 0;
  let intact = true;
  for await (const page of auditPages(db)) {
    for (const row of page) {
      const expectedPrev = previous ? previous.hash : AUDIT_GENESIS_HASH;
      const expectedSeq = previous ? previous.seq + 1 : 1;
      if (row.seq !== expectedSeq || row.prev_hash !== expectedPrev || recompute(row, row.seq) !== row.hash) {
        intact = false;
        break;
      }
      previous = row;
      events++;
    }
    if (!intact) break;
  }
  if (intact) {
    const head = previous ? { seq: previous.seq, hash: previous.hash } : null;
    if (options.expectedHead === undefined || options.expectedHead === head?.hash) {
      return { ok: true, events, head, problems: [] };
    }
  }
  const rows: AuditEventRow[] = [];
  for await (const page of auditPages(db)) rows.push(...page);
  return verifyChain(rows, options);
}
