import type { CompiledQuery, Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import { DAY_MS } from '../lib/dates.js';
import { normaliseGroupPath } from './device.repository.js';
import { dialectOf, explainPrefix } from './dialect.js';
import type { Executor } from './executor.js';
import type { Database } from './schema.js';

/** A ban's scope as the SQL baseline understands it (the `scope` of a Ban fits). */
export interface BaselineScope {
  ownership: readonly string[];
  /** Path prefixes at segment boundaries; an empty `include` means every group. */
  groups: { include: readonly string[]; exclude: readonly string[] };
  platforms: 'all' | readonly string[];
}

export interface BaselineQuestion {
  /** The instant: each device's latest snapshot observed at or before it counts. */
  at: number;
  scope: BaselineScope;
  /** The interned ids of the ban's identifiers (see findAppIdentityIds). */
  identityIds: readonly number[];
}

type Eb = ExpressionBuilder<Database & { d: Database['devices'] }, 'd'>;

function inGroup(eb: Eb, prefix: string): Expression<SqlBool> {
  // substr, not LIKE: SQLite's LIKE ignores case and both treat `_` and `%` as wildcards.
  return eb.or([
    eb('d.group_path', '=', prefix),
    eb(eb.fn('substr', [eb.ref('d.group_path'), eb.lit(1), eb.lit(prefix.length + 1)]), '=', `${prefix}/`),
  ]);
}

type DeviceQuery<O> = SelectQueryBuilder<Database & { d: Database['devices'] }, 'd', O>;

/** Restricts a query over `devices as d` to a ban's scope. */
function inScope<Q extends DeviceQuery<object>>(query: Q, scope: BaselineScope): Q {
  const include = scope.groups.include.map(normaliseGroupPath).filter((g): g is string => g !== null);
  const exclude = scope.groups.exclude.map(normaliseGroupPath).filter((g): g is string => g !== null);
  let q = query.where('d.ownership', 'in', scope.ownership.length > 0 ? [...scope.ownership] : ['']) as Q;
  if (scope.platforms !== 'all') {
    q = q.where('d.platform', 'in', scope.platforms.length > 0 ? [...scope.platforms] : ['']) as Q;
  }
  if (include.length > 0) q = q.where((eb) => eb.or(include.map((g) => inGroup(eb, g)))) as Q;
  for (const group of exclude) {
    // A device with no group is in no excluded group (NOT over NULL would drop it).
    q = q.where((eb) => eb.or([eb('d.group_path', 'is', null), eb.not(inGroup(eb, group))])) as Q;
  }
  return q;
}

/** The id of the latest snapshot of device `d` observed at or before `at`. */
function latestSnapshotOf(eb: Eb, at: number) {
  return eb
    .selectFrom('snapshots as s2')
    .select('s2.id')
    .whereRef('s2.device_id', '=', 'd.id')
    .where('s2.observed_at', '<=', at)
    .orderBy('s2.observed_at', 'desc')
    .orderBy('s2.id', 'desc')
    .limit(1);
}

function nonEmpty(ids: readonly number[]): number[] {
  // `in ()` is not SQL; -1 is an id no identity has.
  return ids.length > 0 ? [...ids] : [-1];
}

/**
 * "For ban B, which in-scope devices have a banned app in their latest snapshot", asked as one SQL
 * query (devices → latest snapshot as of `at` → snapshot apps → banned identity ids). The database
 * answers it from the app-identity index, touching only the few snapshots that hold a banned app.
 */
export function violatingDevicesQuery(db: Executor, question: BaselineQuestion) {
  const query = db
    .selectFrom('devices as d')
    .innerJoin('snapshots as s', 's.device_id', 'd.id')
    .innerJoin('snapshot_apps as sa', 'sa.snapshot_id', 's.id')
    .select('d.id')
    .distinct()
    .where('sa.app_identity_id', 'in', nonEmpty(question.identityIds))
    .where('s.id', '=', (eb) => latestSnapshotOf(eb, question.at))
    .orderBy('d.id');
  return inScope(query, question.scope);
}

/** Runs the baseline: the ids of the violating devices, ascending. */
export async function violatingDevicesSql(db: Executor, question: BaselineQuestion): Promise<number[]> {
  return (await violatingDevicesQuery(db, question).execute()).map((row) => row.id);
}

export type BaselineState = 'violating' | 'compliant' | 'unknown';

export interface FleetQuestion extends BaselineQuestion {
  /** A device whose latest snapshot is older than this before `at` is `unknown` (default 7 days). */
  staleAfterMs?: number;
}

/**
 * The whole fleet under one ban in one SQL query: the state of every in-scope device (violating,
 * compliant, or unknown when its latest inventory is missing or stale). This is the question a full
 * evaluation answers, so every in-scope device is visited. Exceptions are left out.
 */
export function fleetStatesQuery(db: Executor, question: FleetQuestion) {
  const staleBefore = question.at - (question.staleAfterMs ?? 7 * DAY_MS);
  const identityIds = nonEmpty(question.identityIds);
  const query = db
    .selectFrom('devices as d')
    .leftJoin('snapshots as s', (join) => join.on((eb) => eb('s.id', '=', latestSnapshotOf(eb, question.at))))
    .select((eb) => [
      'd.id',
      eb
        .case()
        .when(eb.or([eb('s.id', 'is', null), eb('s.observed_at', '<', staleBefore)]))
        .then(eb.val<BaselineState>('unknown'))
        .when(
          eb.exists(
            eb
              .selectFrom('snapshot_apps as sa')
              .select('sa.snapshot_id')
              .whereRef('sa.snapshot_id', '=', 's.id')
              .where('sa.app_identity_id', 'in', identityIds),
          ),
        )
        .then(eb.val<BaselineState>('violating'))
        .else(eb.val<BaselineState>('compliant'))
        .end()
        .as('state'),
    ]);
  return inScope(query, question.scope);
}

export interface FleetCounts {
  inScope: number;
  violating: number;
  compliant: number;
  unknown: number;
}

/** Counts of fleetStatesQuery, grouped by the database. */
export async function fleetStateCountsSql(db: Executor, question: FleetQuestion): Promise<FleetCounts> {
  const rows = await db
    .selectFrom(fleetStatesQuery(db, question).as('f'))
    .select(['f.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('f.state')
    .execute();
  const counts: FleetCounts = { inScope: 0, violating: 0, compliant: 0, unknown: 0 };
  for (const row of rows) {
    counts[row.state] = Number(row.n);
    counts.inScope += Number(row.n);
  }
  return counts;
}

/** The database's plan for a baseline query, for BENCHMARKS.md. */
export async function explainBaseline(
  db: Executor,
  query: { compile(): CompiledQuery<unknown> },
): Promise<string> {
  const compiled = query.compile();
  const rows = await db.executeQuery<Record<string, unknown>>({
    ...compiled,
    sql: `${explainPrefix(dialectOf(db))} ${compiled.sql}`,
  });
  return rows.rows.map((row) => Object.values(row).join(' ')).join('\n');
}

/** The plan of violatingDevicesSql. */
export async function explainViolatingDevicesSql(db: Executor, question: BaselineQuestion): Promise<string> {
  return explainBaseline(db, violatingDevicesQuery(db, question));
}
