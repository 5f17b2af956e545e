import { canonicalJson } from '../bans/ban.revision.js';
import { lockKey } from './dialect.js';
import type { Executor, Trx } from './executor.js';
import { parseJsonColumn } from './json-column.js';
import type { AuditEventRow } from './schema.js';

/** The `prev_hash` of the first event. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditEventInput {
  at: number;
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  details: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Computes an event's hash from its content and the previous hash; the audit module owns the recipe. */
export type AuditHasher = (event: Omit<AuditEvent, 'hash'>) => string;

export function auditRowToEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    details: parseJsonColumn<Record<string, unknown>>(row.details, 'audit_events', 'details'),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends an event to the chain inside the caller's transaction, so the event commits with the change
 * it records. The chain's head is locked first: two replicas never chain onto the same event.
 */
export async function appendAuditEvent(
  trx: Trx,
  input: AuditEventInput,
  hasher: AuditHasher,
): Promise<AuditEvent> {
  await lockKey(trx, 'audit', 'head');
  const head = await auditHead(trx);
  const event: Omit<AuditEvent, 'hash'> = {
    ...input,
    seq: (head?.seq ?? 0) + 1,
    prevHash: head?.hash ?? AUDIT_GENESIS_HASH,
  };
  const hash = hasher(event);
  await trx
    .insertInto('audit_events')
    .values({
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      object_type: event.objectType,
      object_id: event.objectId,
      // Canonical (sorted keys) so that a verifier re-serialising the parsed details gets the same text.
      details: canonicalJson(event.details),
      prev_hash: event.prevHash,
      hash,
    })
    .execute();
  return { ...event, hash };
}

/** The last event of the chain, or undefined when it is empty. */
export async function auditHead(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Events in chain order, a page at a time. */
export async function listAuditEvents(
  db: Executor,
  options: { afterSeq?: number; limit?: number; objectType?: string; objectId?: string } = {},
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('seq')
    .limit(options.limit ?? 1000);
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
  if (options.objectType !== undefined) query = query.where('object_type', '=', options.objectType);
  if (options.objectId !== undefined) query = query.where('object_id', '=', options.objectId);
  return (await query.execute()).map(auditRowToEvent);
}

/**
 * The raw rows in seq order, details as stored text: verification must hash exactly what is stored,
 * not a re-serialisation of it.
 */
export async function listAuditRows(
  db: Executor,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<AuditEventRow[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('seq')
    .limit(options.limit ?? 1000);
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
  return query.execute();
}
