import { sql } from 'kysely';
import { banContentHash, canonicalJson } from '../bans/ban.revision.js';
import type { Ban } from '../bans/ban.types.js';
import { AppbanError } from '../lib/errors.js';
import { diffBanDocuments } from './ban-revision.diff.js';
import { lockKey } from './dialect.js';
import type { Executor, Trx } from './executor.js';
import { parseJsonColumn } from './json-column.js';
import type { BanRevisionRow } from './schema.js';

export interface StoredBanRevision {
  banId: string;
  revision: number;
  contentHash: string;
  ban: Ban;
  appliedBy: string;
  appliedAt: number;
}

/** A revision without its document, for listings. */
export type BanRevisionSummary = Omit<StoredBanRevision, 'ban'> & { title: string };

export interface BanRevisionChange {
  /** `created`: first revision of the ban; `revised`: a new revision; `unchanged`: same content hash. */
  status: 'created' | 'revised' | 'unchanged';
  /** The revision now in force (the existing one when unchanged). */
  current: StoredBanRevision;
  previous: StoredBanRevision | null;
  /** Dotted paths of the fields that differ from the previous revision, e.g. `scope.groups.include`. */
  changedFields: string[];
}

export function banRevisionRowToRevision(row: BanRevisionRow): StoredBanRevision {
  return {
    banId: row.ban_id,
    revision: row.revision,
    contentHash: row.content_hash,
    ban: parseJsonColumn<Ban>(row.document, 'ban_revisions', 'document'),
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
  };
}

/**
 * Stores a ban as its next revision unless its content hash equals the latest one, and says what
 * changed. Takes a transaction: the revision number is read and written under one lock.
 */
export async function storeBanRevision(
  trx: Trx,
  ban: Ban,
  meta: { appliedBy: string; appliedAt: number },
): Promise<BanRevisionChange> {
  await lockKey(trx, 'ban-revision', ban.id);
  const contentHash = banContentHash(ban);
  const previous = await getBanRevision(trx, ban.id);
  if (previous && previous.contentHash === contentHash) {
    return { status: 'unchanged', current: previous, previous, changedFields: [] };
  }
  await trx
    .insertInto('bans')
    .values({ id: ban.id, title: ban.title, created_at: meta.appliedAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ title: ban.title }))
    .execute();
  const current: StoredBanRevision = {
    banId: ban.id,
    revision: (previous?.revision ?? 0) + 1,
    contentHash,
    ban,
    appliedBy: meta.appliedBy,
    appliedAt: meta.appliedAt,
  };
  await trx
    .insertInto('ban_revisions')
    .values({
      ban_id: current.banId,
      revision: current.revision,
      content_hash: contentHash,
      document: canonicalJson(ban),
      applied_by: current.appliedBy,
      applied_at: current.appliedAt,
    })
    .execute();
  return {
    status: previous ? 'revised' : 'created',
    current,
    previous: previous ?? null,
    changedFields: previous ? diffBanDocuments(previous.ban, ban) : [],
  };
}

/** One revision of a ban, the latest when `revision` is omitted. */
export async function getBanRevision(
  db: Executor,
  banId: string,
  revision?: number,
): Promise<StoredBanRevision | undefined> {
  let query = db.selectFrom('ban_revisions').selectAll().where('ban_id', '=', banId);
  query =
    revision === undefined
      ? query.orderBy('revision', 'desc').limit(1)
      : query.where('revision', '=', revision);
  const row = await query.executeTakeFirst();
  return row && banRevisionRowToRevision(row);
}

/** Like getBanRevision, but a missing ban or revision is a NOT_FOUND error. */
export async function requireBanRevision(
  db: Executor,
  banId: string,
  revision?: number,
): Promise<StoredBanRevision> {
  const found = await getBanRevision(db, banId, revision);
  if (!found) {
    const what = revision === undefined ? `ban ${banId}` : `revision ${revision} of ban ${banId}`;
    throw new AppbanError('NOT_FOUND', `There is no ${what}.`);
  }
  return found;
}

/**
 * The latest revision of every ban, ordered by ban id; with `asOf`, the revision that was in force
 * then (the last applied at or before it), leaving out bans not yet applied.
 */
export async function listLatestBanRevisions(
  db: Executor,
  options: { asOf?: number } = {},
): Promise<StoredBanRevision[]> {
  const { asOf } = options;
  const rows = await db
    .selectFrom('ban_revisions as r')
    .selectAll('r')
    .where('r.revision', '=', (eb) => {
      let latest = eb
        .selectFrom('ban_revisions as r2')
        .select((e) => e.fn.max('r2.revision').as('revision'))
        .whereRef('r2.ban_id', '=', 'r.ban_id');
      if (asOf !== undefined) latest = latest.where('r2.applied_at', '<=', asOf);
      return latest;
    })
    .orderBy('r.ban_id')
    .execute();
  return rows.map(banRevisionRowToRevision);
}

/** Every revision of one ban, oldest first, without documents. */
export async function listBanRevisions(db: Executor, banId: string): Promise<BanRevisionSummary[]> {
  const rows = await db
    .selectFrom('ban_revisions')
    .select([
      'ban_id',
      'revision',
      'content_hash',
      'applied_by',
      'applied_at',
      // The title lives in the document; reading it back keeps the summary honest per revision.
      'document',
    ])
    .where('ban_id', '=', banId)
    .orderBy('revision')
    .execute();
  return rows.map((row) => ({
    banId: row.ban_id,
    revision: row.revision,
    contentHash: row.content_hash,
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
    title: parseJsonColumn<Ban>(row.document, 'ban_revisions', 'document').title,
  }));
}

/** How many bans have at least one revision. */
export async function countBans(db: Executor): Promise<number> {
  const row = await db.selectFrom('bans').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
