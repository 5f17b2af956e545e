import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.log.js';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import type { InventorySnapshot } from '../inventory/snapshot.types.js';
import { AppbanError, isAppbanError } from '../lib/errors.js';
import { storeBanRevision } from '../store/ban-revision.repository.js';
import type { Trx } from '../store/executor.js';
import type { Database } from '../store/schema.js';
import { completeImport, failImport, startImport, storeSnapshots } from '../store/snapshot.repository.js';
import { DEFAULT_STALENESS_MS, type DeviceFacts } from './engine/evaluate.js';
import { Interner } from './engine/interner.js';
import type { StateCounts } from './engine/states.js';
import { type BanTimeline, loadBanTimelines, watchedIdentities } from './inputs/revisions.js';
import { type RederiveResult, rederive } from './rederive.js';
import { buildReport } from './report/report.build.js';
import type { ComplianceReport, ReportQuery } from './report/report.types.js';

/**
 * Compliance over the store: applying a ban revision re-evaluates the fleet under that ban,
 * ingesting inventories re-evaluates the devices they are about, and both write the findings and
 * their history in the transaction that stored their input. Reports read the history.
 *
 * How history and `report --at` fit together: a finding is a function of time, fixed by the
 * inventories (placed at their observation time), the ban revisions (each in force from when it
 * was applied, the first since always), the exceptions and the clock. The history stores that
 * function as its changes, including those the clock alone brings (a deadline passing, an
 * inventory going stale, an exception or the ban ending), written ahead with the instant they take
 * effect. `report --at T` reads the last change at or before T for every device, which is exactly
 * what the live report said at T, given what is known now: a late inventory rewrites the history
 * from its observation time on (see rederive), so later reports for earlier days include it.
 */
export interface ComplianceServiceDeps {
  db: Kysely<Database>;
  catalog: Catalog;
  /** The clock (epoch ms); tests and the demo set it. */
  now?: () => number;
  /** Default 7 days. */
  stalenessMs?: number;
}

export interface ApplyBanOptions {
  appliedBy: string;
  /** When the revision takes effect (default now). */
  at?: number;
}

export interface ApplyBanResult {
  status: 'created' | 'revised' | 'unchanged';
  banId: string;
  revision: number;
  previousRevision: number | null;
  /** Dotted paths of the fields that differ from the previous revision. */
  changedFields: string[];
  appliedAt: number;
  /** Counts at `appliedAt` under the previous revision (null for a new ban) and under this one. */
  before: StateCounts | null;
  after: StateCounts;
  evaluated: RederiveResult;
}

export interface IngestOptions {
  /** The file the snapshots came from, for the import record. */
  file?: string;
  format?: string;
  sourceLabel?: string;
  /** Who sent it, for the audit log (default `cli`). */
  actor?: string;
}

export interface IngestResult {
  importId: number;
  snapshots: number;
  devices: number;
  /** History rows written. */
  changes: number;
  /** The devices the snapshots were about. */
  deviceIds: number[];
}

export interface ReevaluateOptions {
  banIds?: readonly string[];
  deviceIds?: readonly number[];
  /** Re-derive from this instant on (default: the whole history). */
  from?: number;
}

export interface ComplianceService {
  applyBan(ban: Ban, options: ApplyBanOptions): Promise<ApplyBanResult>;
  ingest(snapshots: readonly InventorySnapshot[], options?: IngestOptions): Promise<IngestResult>;
  reevaluate(options?: ReevaluateOptions): Promise<RederiveResult>;
  report(query?: ReportQuery): Promise<ComplianceReport>;
}

function factsOf(snapshot: InventorySnapshot): Partial<DeviceFacts> {
  const d = snapshot.device;
  const facts: Partial<DeviceFacts> = { platform: d.platform };
  if (d.ownership !== undefined) facts.ownership = d.ownership;
  if (d.group !== undefined) facts.group = d.group;
  if (d.holder !== undefined) facts.holder = d.holder;
  if (d.name !== undefined) facts.name = d.name;
  return facts;
}

export function createComplianceService(deps: ComplianceServiceDeps): ComplianceService {
  const { db, catalog } = deps;
  const now = deps.now ?? (() => Date.now());
  const stalenessMs = deps.stalenessMs ?? DEFAULT_STALENESS_MS;

  /**
   * Compiled bans and the stored identities they ban, kept between calls while no revision or
   * exception changes (one cheap query checks). Ingests do not rely on the identities: they match
   * banned apps by value inside their transaction (see rederive), because identity ids are handed
   * out in one order and committed in another when several transactions or replicas ingest at once.
   */
  interface Inputs {
    signature: string;
    apps: Interner;
    timelines: BanTimeline[];
    watched: Map<number, number>;
  }
  let cache: Inputs | undefined;

  async function signatureOf(trx: Trx): Promise<string> {
    const revisions = await trx
      .selectFrom('ban_revisions')
      .select((eb) => [eb.fn.count<number>('revision').as('n'), eb.fn.max('applied_at').as('latest')])
      .executeTakeFirst();
    const exceptions = await trx
      .selectFrom('exceptions')
      .select((eb) => [
        eb.fn.count<number>('id').as('n'),
        eb.fn.max('approved_at').as('approved'),
        eb.fn.max('revoked_at').as('revoked'),
        eb.fn.max('created_at').as('created'),
      ])
      .executeTakeFirst();
    return JSON.stringify([revisions, exceptions]);
  }

  async function inputs(trx: Trx, fresh: boolean): Promise<Inputs> {
    const signature = await signatureOf(trx);
    if (fresh || cache?.signature !== signature) {
      const apps = new Interner();
      const timelines = await loadBanTimelines(trx, catalog, apps);
      // Whole-fleet passes read the banned identities in their own transaction; ingests do not need them.
      const watched = fresh ? await watchedIdentities(trx, timelines, apps) : new Map<number, number>();
      const built = { signature, apps, timelines, watched };
      if (!fresh) cache = built;
      return built;
    }
    return cache;
  }

  async function rederiveIn(
    trx: Trx,
    options: { banIds?: readonly string[] | undefined; fresh: boolean },
    from: Map<number, number>,
    knownFacts?: Map<number, Partial<DeviceFacts>>,
  ): Promise<RederiveResult> {
    const current = await inputs(trx, options.fresh);
    const timelines =
      options.banIds === undefined
        ? current.timelines
        : current.timelines.filter((t) => options.banIds?.includes(t.banId));
    return rederive(trx, {
      timelines,
      watched: current.watched,
      ...(options.fresh ? {} : { matchByValue: { apps: current.apps } }),
      from,
      ...(knownFacts ? { knownFacts } : {}),
      stalenessMs,
      now: now(),
    });
  }

  async function allDevices(trx: Trx | Kysely<Database>): Promise<number[]> {
    return (await trx.selectFrom('devices').select('id').orderBy('id').execute()).map((r) => r.id);
  }

  async function countsAt(banId: string, at: number): Promise<StateCounts | null> {
    const exists = await db.selectFrom('bans').select('id').where('id', '=', banId).executeTakeFirst();
    if (!exists) return null;
    const report = await buildReport(db, { at, banId });
    return report.bans[0]?.counts ?? null;
  }

  return {
    async applyBan(ban, options) {
      const appliedAt = options.at ?? now();
      const before = await countsAt(ban.id, appliedAt);
      const { change, evaluated } = await db.transaction().execute(async (trx) => {
        const change = await storeBanRevision(trx, ban, { appliedBy: options.appliedBy, appliedAt });
        if (change.status === 'unchanged') return { change, evaluated: { devices: 0, changes: 0 } };
        await recordAudit(trx, {
          actor: options.appliedBy,
          action: change.status === 'created' ? 'ban.created' : 'ban.revised',
          objectType: 'ban',
          objectId: ban.id,
          details: {
            revision: change.current.revision,
            contentHash: change.current.contentHash,
            changedFields: change.changedFields,
          },
          at: appliedAt,
        });
        const from = change.status === 'created' ? -Infinity : appliedAt;
        const devices = await allDevices(trx);
        const { devices: count, changes } = await rederiveIn(
          trx,
          { banIds: [ban.id], fresh: true },
          new Map(devices.map((id) => [id, from])),
        );
        return { change, evaluated: { devices: count, changes } };
      });
      const after = (await countsAt(ban.id, change.current.appliedAt)) ?? (before as StateCounts);
      return {
        status: change.status,
        banId: ban.id,
        revision: change.current.revision,
        previousRevision: change.previous?.revision ?? null,
        changedFields: change.changedFields,
        appliedAt: change.current.appliedAt,
        before: change.status === 'created' ? null : before,
        after,
        evaluated,
      };
    },

    async ingest(snapshots, options = {}) {
      const importedAt = now();
      const importRecord = {
        startedAt: importedAt,
        ...(options.file === undefined ? {} : { file: options.file }),
        ...(options.format === undefined ? {} : { format: options.format }),
        ...(options.sourceLabel === undefined ? {} : { sourceLabel: options.sourceLabel }),
      };
      try {
        // The import's record commits with its snapshots: one commit per import, which is most of a
        // check-in's cost. A failed import is recorded after the rollback instead.
        const committed = await db.transaction().execute(async (trx) => {
          const importId = await startImport(trx, importRecord);
          const stored = await storeSnapshots(trx, snapshots, {
            importedAt,
            importId,
            ...(options.sourceLabel === undefined ? {} : { sourceLabel: options.sourceLabel }),
          });
          await completeImport(trx, importId, {
            snapshotCount: stored.length,
            finishedAt: now(),
            ...(options.format === undefined ? {} : { format: options.format }),
          });
          const from = new Map<number, number>();
          const knownFacts = new Map<number, Partial<DeviceFacts>>();
          stored.forEach((s, k) => {
            from.set(s.deviceId, Math.min(from.get(s.deviceId) ?? Infinity, s.observedAt));
            const snapshot = snapshots[k];
            if (snapshot) knownFacts.set(s.snapshotId, factsOf(snapshot));
          });
          const result = await rederiveIn(trx, { fresh: false }, from, knownFacts);
          await recordAudit(trx, {
            actor: options.actor ?? 'cli',
            action: 'inventory.imported',
            objectType: 'import',
            objectId: String(importId),
            details: {
              snapshots: stored.length,
              devices: from.size,
              ...(options.format === undefined ? {} : { format: options.format }),
              ...(options.file === undefined ? {} : { file: options.file }),
              ...(options.sourceLabel === undefined ? {} : { source: options.sourceLabel }),
            },
            at: importedAt,
          });
          const summary = {
            importId,
            snapshots: stored.length,
            devices: from.size,
            changes: result.changes,
            deviceIds: [...from.keys()],
          };
          return summary;
        });
        return committed;
      } catch (error) {
        const message = isAppbanError(error)
          ? error.message
          : 'The import failed; nothing from it was stored.';
        await (async () => {
          const importId = await startImport(db, importRecord);
          await failImport(db, importId, { error: message, finishedAt: now() });
        })().catch(() => {});
        throw error;
      }
    },

    async reevaluate(options = {}) {
      return db.transaction().execute(async (trx) => {
        const devices = options.deviceIds ? [...options.deviceIds] : await allDevices(trx);
        const from = options.from ?? -Infinity;
        const { devices: count, changes } = await rederiveIn(
          trx,
          { banIds: options.banIds, fresh: true },
          new Map(devices.map((id) => [id, from])),
        );
        return { devices: count, changes };
      });
    },

    async report(query = {}) {
      const at = query.at ?? now();
      if (!Number.isFinite(at)) throw new AppbanError('USAGE', 'The report instant is not a valid time.');
      return buildReport(db, { ...query, at });
    },
  };
}
