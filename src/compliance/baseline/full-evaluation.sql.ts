import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../store/executor.js';
import { ownershipName, platformName } from '../engine/codes.js';
import type { CompiledBan } from '../engine/compile.js';
import { DEFAULT_STALENESS_MS } from '../engine/evaluate.js';

/**
 * The engine's whole-fleet question asked of the database as one SQL statement, for the
 * benchmark: the state of every device under one ban revision at one instant, counted. Each
 * device's newest inventory and newest full inventory as of the instant, scope by ownership,
 * platform and group prefix, group exceptions active then, staleness, and a banned identity in
 * the newest inventory. Devices first inventoried after the instant do not count yet. It leaves
 * out what SQL cannot see cheaply (the partial-inventory union, deadlines, exceptions naming
 * devices or holders), so violating and overdue are one count here.
 */
export interface SqlEvaluationCounts {
  notInScope: number;
  excepted: number;
  unknown: number;
  compliant: number;
  violating: number;
}

function list(values: readonly string[]): RawBuilder<unknown> {
  return values.length === 0 ? sql`('')` : sql`(${sql.join(values.map((v) => sql.lit(v)))})`;
}

function within(prefixes: readonly string[]): RawBuilder<unknown> {
  if (prefixes.length === 0) return sql`1 = 1`;
  return sql.join(
    prefixes.map(
      (p) =>
        sql`(lower(d.group_path) = ${sql.lit(p)} or substr(lower(d.group_path), 1, ${sql.lit(p.length + 1)}) = ${sql.lit(`${p}/`)})`,
    ),
    sql` or `,
  );
}

export function fullEvaluationQuery(
  ban: CompiledBan,
  at: number,
  identityIds: readonly number[],
  stalenessMs = DEFAULT_STALENESS_MS,
) {
  const ownerships = [0, 1, 2, 3].filter((c) => (ban.ownershipMask & (1 << c)) !== 0).map(ownershipName);
  const platforms = [0, 1, 2, 3, 4, 5, 6]
    .filter((c) => (ban.platformMask & (1 << c)) !== 0)
    .map(platformName);
  const groupExceptions = ban.exceptions.filter(
    (e) =>
      e.group !== undefined &&
      e.devices === undefined &&
      e.holders === undefined &&
      at >= e.startsAt &&
      at < e.endsAt,
  );
  const inScope = sql`d.ownership in ${list(ownerships)} and d.platform in ${list(platforms)}
    and ${ban.include.length === 0 ? sql`1 = 1` : sql`d.group_path is not null and (${within(ban.include)})`}
    and ${ban.exclude.length === 0 ? sql`1 = 1` : sql`(d.group_path is null or not (${within(ban.exclude)}))`}`;
  const excepted =
    groupExceptions.length === 0
      ? sql`1 = 0`
      : sql`d.group_path is not null and (${within(groupExceptions.map((e) => e.group as string))})`;
  const ids = identityIds.length === 0 ? sql`(-1)` : sql`(${sql.join(identityIds.map((id) => sql.lit(id)))})`;
  const active = at >= ban.startsAt && at < ban.endsAt;
  return sql<{ state: string; n: number | string }>`
    with latest as (
      select d.id, d.ownership, d.platform, d.group_path,
        (select s.id from snapshots s where s.device_id = d.id and s.observed_at <= ${at}
          order by s.observed_at desc, s.id desc limit 1) as snapshot_id,
        (select max(s.observed_at) from snapshots s where s.device_id = d.id and s.observed_at <= ${at}) as observed_at,
        (select max(s.observed_at) from snapshots s where s.device_id = d.id and s.observed_at <= ${at}
          and s.coverage = 'full') as full_at
      from devices d
    )
    select state, count(*) as n from (
      select case
        when ${active ? sql`not (${inScope})` : sql`1 = 1`} then 'not-in-scope'
        when ${excepted} then 'excepted'
        when d.observed_at is null or ${at} - d.observed_at > ${stalenessMs} then 'unknown'
        when exists (select 1 from snapshot_apps sa where sa.snapshot_id = d.snapshot_id and sa.app_identity_id in ${ids})
          then 'violating'
        when d.full_at is null or ${at} - d.full_at > ${stalenessMs} then 'unknown'
        else 'compliant' end as state
      from latest d
      where d.observed_at is not null
    ) states
    group by state`;
}

export async function fullEvaluationSql(
  db: Executor,
  ban: CompiledBan,
  at: number,
  identityIds: readonly number[],
  stalenessMs = DEFAULT_STALENESS_MS,
): Promise<SqlEvaluationCounts> {
  const counts: SqlEvaluationCounts = { notInScope: 0, excepted: 0, unknown: 0, compliant: 0, violating: 0 };
  const { rows } = await fullEvaluationQuery(ban, at, identityIds, stalenessMs).execute(db);
  for (const row of rows) {
    const n = Number(row.n);
    if (row.state === 'not-in-scope') counts.notInScope += n;
    else if (row.state === 'excepted') counts.excepted += n;
    else if (row.state === 'unknown') counts.unknown += n;
    else if (row.state === 'compliant') counts.compliant += n;
    else counts.violating += n;
  }
  return counts;
}
