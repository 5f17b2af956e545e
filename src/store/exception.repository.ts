import type { ExceptionSubjects } from '../bans/ban.types.js';
import { AppbanError } from '../lib/errors.js';
import type { Executor } from './executor.js';
import { parseJsonColumn } from './json-column.js';
import type { ExceptionRow, ExceptionStatus } from './schema.js';

/** An exception managed through the CLI or the API. */
export interface StoredException {
  id: string;
  banId: string;
  subjects: ExceptionSubjects;
  reason: string;
  requestedBy: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  status: ExceptionStatus;
  startsAt: number | null;
  /** The first instant no longer covered. */
  expiresAt: number;
  createdAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
}

export interface NewException {
  id: string;
  banId: string;
  subjects: ExceptionSubjects;
  reason: string;
  requestedBy?: string;
  /** Given: the exception is approved at once; absent: it waits as `requested`. */
  approvedBy?: string;
  startsAt?: number;
  expiresAt: number;
  createdAt: number;
}

export function exceptionRowToException(row: ExceptionRow): StoredException {
  return {
    id: row.id,
    banId: row.ban_id,
    subjects: parseJsonColumn<ExceptionSubjects>(row.subjects, 'exceptions', 'subjects'),
    reason: row.reason,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    status: row.status,
    startsAt: row.starts_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

/** Stores a new exception; an id already in use is BAN_DUPLICATE_ID, a ban never applied NOT_FOUND. */
export async function createException(db: Executor, input: NewException): Promise<StoredException> {
  if (input.startsAt !== undefined && input.startsAt >= input.expiresAt) {
    throw new AppbanError('BAN_EXCEPTION_BEFORE_BAN', `Exception ${input.id} expires before it starts.`);
  }
  const ban = await db.selectFrom('bans').select('id').where('id', '=', input.banId).executeTakeFirst();
  if (!ban)
    throw new AppbanError('NOT_FOUND', `There is no ban ${input.banId}; apply it before adding exceptions.`);
  const existing = await db
    .selectFrom('exceptions')
    .select('id')
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (existing) throw new AppbanError('BAN_DUPLICATE_ID', `An exception with id ${input.id} already exists.`);
  const row = await db
    .insertInto('exceptions')
    .values({
      id: input.id,
      ban_id: input.banId,
      subjects: JSON.stringify(input.subjects),
      reason: input.reason,
      requested_by: input.requestedBy ?? null,
      approved_by: input.approvedBy ?? null,
      approved_at: input.approvedBy === undefined ? null : input.createdAt,
      status: input.approvedBy === undefined ? 'requested' : 'approved',
      starts_at: input.startsAt ?? null,
      expires_at: input.expiresAt,
      created_at: input.createdAt,
      revoked_at: null,
      revoked_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return exceptionRowToException(row);
}

export async function getException(db: Executor, id: string): Promise<StoredException | undefined> {
  const row = await db.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && exceptionRowToException(row);
}

export interface ExceptionFilter {
  banId?: string;
  status?: readonly ExceptionStatus[];
  /** Only exceptions in force at this instant, past ones included: approved, started, not expired, not revoked. */
  activeAt?: number;
  /** Only approved exceptions expiring within `[from, to)`, for reminders. */
  expiring?: { from: number; to: number };
}

/** Exceptions ordered by ban, then expiry, then id. */
export async function listExceptions(db: Executor, filter: ExceptionFilter = {}): Promise<StoredException[]> {
  let query = db.selectFrom('exceptions').selectAll().orderBy('ban_id').orderBy('expires_at').orderBy('id');
  if (filter.banId !== undefined) query = query.where('ban_id', '=', filter.banId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  const { activeAt, expiring } = filter;
  if (activeAt !== undefined) {
    query = query
      .where('approved_at', '<=', activeAt)
      .where('expires_at', '>', activeAt)
      .where((eb) => eb.or([eb('starts_at', 'is', null), eb('starts_at', '<=', activeAt)]))
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', activeAt)]));
  }
  if (expiring) {
    query = query
      .where('status', '=', 'approved')
      .where('expires_at', '>=', expiring.from)
      .where('expires_at', '<', expiring.to);
  }
  return (await query.execute()).map(exceptionRowToException);
}

/**
 * Approves a requested exception. Revocation is final, so a revoked one cannot be approved again;
 * approving an approved one is a no-op that keeps the first approver.
 */
export async function approveException(
  db: Executor,
  id: string,
  approval: { approvedBy: string; at: number },
): Promise<StoredException> {
  const current = await requireException(db, id);
  if (current.status === 'approved') return current;
  if (current.status === 'revoked') {
    throw new AppbanError('USAGE', `Exception ${id} was revoked and cannot be approved; request a new one.`);
  }
  const row = await db
    .updateTable('exceptions')
    .set({ status: 'approved', approved_by: approval.approvedBy, approved_at: approval.at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return exceptionRowToException(row);
}

/** Revokes an exception from `at` on; revoking twice keeps the first revocation. */
export async function revokeException(
  db: Executor,
  id: string,
  revocation: { revokedBy: string; at: number },
): Promise<StoredException> {
  const current = await requireException(db, id);
  if (current.status === 'revoked') return current;
  const row = await db
    .updateTable('exceptions')
    .set({ status: 'revoked', revoked_by: revocation.revokedBy, revoked_at: revocation.at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return exceptionRowToException(row);
}

async function requireException(db: Executor, id: string): Promise<StoredException> {
  const found = await getException(db, id);
  if (!found) throw new AppbanError('NOT_FOUND', `There is no exception ${id}.`);
  return found;
}

/**
 * Whether an exception covered devices at an instant, history included: a revoked exception covered
 * them until its revocation.
 */
export function exceptionInForceAt(exception: StoredException, at: number): boolean {
  if (exception.approvedAt === null || at < exception.approvedAt) return false;
  if (exception.startsAt !== null && at < exception.startsAt) return false;
  if (at >= exception.expiresAt) return false;
  if (exception.revokedAt !== null && at >= exception.revokedAt) return false;
  return true;
}
