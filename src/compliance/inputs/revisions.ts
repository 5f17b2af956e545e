import { sql } from 'kysely';
import type { Catalog } from '../../catalog/catalog.types.js';
import { banRevisionRowToRevision, type StoredBanRevision } from '../../store/ban-revision.repository.js';
import { listExceptions } from '../../store/exception.repository.js';
import type { Executor } from '../../store/executor.js';
import { type CompiledException, compileBan, compileRuntimeException } from '../engine/compile.js';
import { appKey, type Interner, splitAppKey } from '../engine/interner.js';
import type { RevisionSpan } from '../engine/timeline.js';

/** Everything that decides findings under one ban over time. */
export interface BanTimeline {
  banId: string;
  /**
   * Every revision, oldest first. Revision 1 is in force from the beginning of time, not from when
   * it was applied: a ban states its own start (`period.start`), and inventories from before
   * appban was set up are judged by it. A later revision takes over from when it was applied.
   */
  revisions: StoredBanRevision[];
  spans: RevisionSpan[];
  /** Exceptions from the store (approved, possibly revoked since). */
  exceptions: CompiledException[];
}

export async function loadBanTimelines(
  db: Executor,
  catalog: Catalog,
  apps: Interner,
  banIds?: readonly string[],
): Promise<BanTimeline[]> {
  let query = db.selectFrom('ban_revisions').selectAll().orderBy('ban_id').orderBy('revision');
  if (banIds !== undefined) query = query.where('ban_id', 'in', banIds.length > 0 ? [...banIds] : ['']);
  const byBan = new Map<string, StoredBanRevision[]>();
  for (const row of await query.execute()) {
    const revision = banRevisionRowToRevision(row);
    const list = byBan.get(revision.banId);
    if (list) list.push(revision);
    else byBan.set(revision.banId, [revision]);
  }
  const timelines: BanTimeline[] = [];
  for (const [banId, revisions] of byBan) {
    const spans = revisions.map((revision, k) => ({
      ban: compileBan(revision.ban, revision.revision, catalog, apps),
      effectiveFrom: k === 0 ? -Infinity : revision.appliedAt,
    }));
    const stored = await listExceptions(db, { banId, status: ['approved', 'revoked'] });
    const exceptions = stored
      .filter((e) => e.approvedAt !== null)
      .map((e) =>
        compileRuntimeException({
          id: e.id,
          subjects: e.subjects,
          startsAt: e.startsAt ?? e.approvedAt,
          expiresAt: e.expiresAt,
          revokedAt: e.revokedAt,
        }),
      );
    timelines.push({ banId, revisions, spans, exceptions });
  }
  return timelines;
}

/**
 * The stored app identities any revision of these bans bans, as store id → interned id. Only they
 * matter to the history, so inventories are read through this short list.
 */
/**
 * The interned ids of every app identity any revision of these bans bans, and the same as normalised
 * values per identifier kind, ready for an `in` list.
 */
export function bannedIdentities(
  timelines: readonly BanTimeline[],
  apps: Interner,
): { ids: Set<number>; byKind: Map<string, string[]> } {
  const ids = new Set<number>();
  for (const timeline of timelines)
    for (const span of timeline.spans) for (const id of span.ban.matches.keys()) ids.add(id);
  const byKind = new Map<string, string[]>();
  for (const id of ids) {
    const { kind, value } = splitAppKey(apps.key(id));
    const values = byKind.get(kind);
    if (values) values.push(value);
    else byKind.set(kind, [value]);
  }
  return { ids, byKind };
}

export async function watchedIdentities(
  db: Executor,
  timelines: readonly BanTimeline[],
  apps: Interner,
): Promise<Map<number, number>> {
  const { ids: keys, byKind } = bannedIdentities(timelines, apps);
  const watched = new Map<number, number>();
  for (const [kind, values] of byKind) {
    for (let i = 0; i < values.length; i += 500) {
      const rows = await db
        .selectFrom('app_identities')
        .select(['id', 'kind', 'value'])
        .where('kind', '=', kind)
        .where(sql<string>`lower(trim(value))`, 'in', values.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const engineId = apps.find(appKey(row.kind, row.value));
        if (engineId !== undefined && keys.has(engineId)) watched.set(row.id, engineId);
      }
    }
  }
  return watched;
}
