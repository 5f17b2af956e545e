import { canonicalJson } from '../bans/ban.revision.js';
import { type AuditEvent, appendAuditEvent } from '../store/audit.repository.js';
import type { Trx } from '../store/executor.js';
import { auditEventHash } from './audit.hash.js';

/** What every audited change says about itself. */
export interface AuditRecord {
  actor: string;
  /** `ban.revised`, `exception.approved`, `user.created`, `inventory.imported`, … */
  action: string;
  objectType: 'ban' | 'exception' | 'user' | 'token' | 'import' | 'channel';
  objectId: string;
  details?: Record<string, unknown>;
  at: number;
}

/**
 * Appends one event to the chain inside the transaction that makes the change, so the change and
 * its record commit together or not at all. Details must never hold a secret.
 */
export async function recordAudit(trx: Trx, record: AuditRecord): Promise<AuditEvent> {
  return appendAuditEvent(
    trx,
    {
      at: record.at,
      actor: record.actor,
      action: record.action,
      objectType: record.objectType,
      objectId: record.objectId,
      details: record.details ?? {},
    },
    (event) => auditEventHash({ ...event, detailsText: canonicalJson(event.details) }),
  );
}
