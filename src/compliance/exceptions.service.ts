import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.log.js';
import {
  approveException,
  createException,
  type NewException,
  revokeException,
  type StoredException,
} from '../store/exception.repository.js';
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
      const approved = await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('exceptions')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirst();
        const approved = await approveException(trx, id, { approvedBy, at });
        if (before?.status !== 'approved') {
          await recordAudit(trx, {
            actor: approvedBy,
            action: 'exception.approved',
            objectType: 'exception',
            objectId: id,
            details: { banId: approved.banId },
            at,
          });
        }
        return approved;
      });
      await rederive(approved, Math.min(approved.startsAt ?? at, at));
      return approved;
    },

    async revoke(id: string, revokedBy: string): Promise<StoredException> {
      const at = now();
      const revoked = await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('exceptions')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirst();
        const revoked = await revokeException(trx, id, { revokedBy, at });
        if (before?.status !== 'revoked') {
          await recordAudit(trx, {
            actor: revokedBy,
            action: 'exception.revoked',
            objectType: 'exception',
            objectId: id,
            details: { banId: revoked.banId },
            at,
          });
        }
        return revoked;
      });
      await rederive(revoked, at);
      return revoked;
    },
  };
}

export type ExceptionsService = ReturnType<typeof createExceptionsService>;
