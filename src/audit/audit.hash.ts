import { createHash } from 'node:crypto';
import { canonicalJson } from '../bans/ban.revision.js';

/**
 * The one recipe for an audit event's hash, shared by the writer, `audit verify` and the offline
 * check in docs/audit.md: SHA-256 over the canonical JSON (sorted keys, no spaces) of
 * `{ action, actor, at, details, objectId, objectType, prevHash, seq }`, where `details` is the
 * stored JSON text itself. Hashing the stored text rather than a re-serialisation means a verifier
 * in any language needs no JSON canonicaliser for the details.
 */
export interface HashableEvent {
  seq: number;
  at: number;
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  /** The details exactly as stored (canonical JSON text). */
  detailsText: string;
  prevHash: string;
}

export function auditEventHash(event: HashableEvent): string {
  const payload = canonicalJson({
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    details: event.detailsText,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(payload).digest('hex');
}
