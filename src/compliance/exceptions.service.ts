import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.log.js';
import {
  approveException,
  createException,
  type NewException,
  revokeException,
  type StoredException,
} from '../store/exception.repository.js';
import type { Trx } from '../store/executor.js';
import type { Database } from '../store/schema.js';
import type { ComplianceService } from './compliance.service.js';

/**
 * Exception changes for the CLI and the API alike: each change commits with its audit event, then the
 * ban's findings are re-derived from the moment the change takes effect, so reports for past days stay
 * exact.
 */
export function createExceptionsService(deps: {
  db: Kysely<Database>;
  compliance: ComplianceService;
  now?: () => number;
}) {
  const { db, compliance } = deps;
  const now = deps.now ?? Date.now;

  async function rederive(exception: StoredException, from: number): Promise<void> {
    await compliance.reevaluate({ banIds: [exception.banId], from });
  }

  /**
   * Moves an exception to `status` with its audit event in one transaction. Approving an approved
   * exception or revoking a revoked one changes nothing: no event, and no re-derivation.
   */
  async function transition(
    id: string,
    status: 'approved' | 'revoked',
    actor: string,
    at: number,
    change: (trx: Trx) => Promise<StoredException>,
  ): Promise<{ exception: StoredException; changed: boolean }> {
    return db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('exceptions')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst();
      const exception = await change(trx);
      const changed = before?.status !== status;
      if (changed) {
        await recordAudit(trx, {
          actor,
          action: `exception.${status}`,
          objectType: 'exception',
          objectId: id,
          details: { banId: exception.banId },
          at,
        });
      }
      return { exception, changed };
    });
  }

  return {
    async request(input: Omit<NewException, 'createdAt'>, actor: string): Promise<StoredException> {
      const at = now();
      const created = await db.transaction().execute(async (trx) => {
        const created = await createException(trx, { ...input, createdAt: at });
        await recordAudit(trx, {
          actor,
          action: created.status === 'approved' ? 'exception.granted' : 'exception.requested',
          objectType: 'exception',
          objectId: created.id,
          details: {
            banId: created.banId,
            subjects: created.subjects,
            reason: created.reason,
            expiresAt: new Date(created.expiresAt).toISOString(),
            ...(created.approvedBy === null ? {} : { approvedBy: created.approvedBy }),
          },
          at,
        });
        return created;
      });
      if (created.status === 'approved') await rederive(created, Math.min(created.startsAt ?? at, at));
      return created;
    },

    async approve(id: string, approvedBy: string): Promise<StoredException> {
      const at = now();
      const { exception, changed } = await transition(id, 'approved', approvedBy, at, (trx) =>
        approveException(trx, id, { approvedBy, at }),
      );
      if (changed) await rederive(exception, Math.min(exception.startsAt ?? at, at));
      return exception;
    },

    async revoke(id: string, revokedBy: string): Promise<StoredException> {
      const at = now();
      const { exception, changed } = await transition(id, 'revoked', revokedBy, at, (trx) =>
        revokeException(trx, id, { revokedBy, at }),
      );
      if (changed) await rederive(exception, at);
      return exception;
    },
  };
}

export type ExceptionsService = ReturnType<typeof createExceptionsService>;
