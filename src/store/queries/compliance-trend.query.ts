import { stateShownAt } from '../../compliance/engine/evaluate.js';
import {
  addToCounts,
  type ComplianceState,
  emptyCounts,
  type StateCounts,
} from '../../compliance/engine/states.js';
import type { HistoryEvidence } from '../../compliance/history/evidence.js';
import type { Executor } from '../executor.js';
import { parseJsonColumn } from '../json-column.js';

interface Shown {
  state: ComplianceState;
  deadline: number | null;
}

/**
 * A ban's counts at each of `instants` (ascending), read from the history in one pass: the report
 * for an instant takes every device's last change at or before it, so walking the changes in time
 * order and taking the counts as each instant is passed gives the same numbers as one report per
 * instant, at the cost of a single report.
 */
export async function complianceTrend(
  db: Executor,
  banId: string,
  instants: readonly number[],
  options: { pageSize?: number } = {},
): Promise<StateCounts[]> {
  const pageSize = options.pageSize ?? 20_000;
  const last = instants.at(-1);
  if (last === undefined) return [];
  const current = new Map<number, Shown>();
  const out: StateCounts[] = [];
  const countAt = (at: number) => {
    const counts = emptyCounts();
    for (const { state, deadline } of current.values()) {
      addToCounts(counts, stateShownAt(state, deadline, at));
    }
    out.push(counts);
  };
  let after: { at: number; id: number } | undefined;
  for (;;) {
    let query = db
      .selectFrom('finding_history')
      .select(['id', 'device_id', 'to_state', 'at', 'evidence'])
      .where('ban_id', '=', banId)
      .where('at', '<=', last)
      .orderBy('at')
      .orderBy('id')
      .limit(pageSize);
    const from = after;
    if (from) {
      query = query.where((eb) =>
        eb.or([eb('at', '>', from.at), eb.and([eb('at', '=', from.at), eb('id', '>', from.id)])]),
      );
    }
    const rows = await query.execute();
    for (const row of rows) {
      while (out.length < instants.length && row.at > (instants[out.length] as number)) {
        countAt(instants[out.length] as number);
      }
      const evidence = parseJsonColumn<Partial<HistoryEvidence>>(row.evidence, 'finding_history', 'evidence');
      current.set(row.device_id, {
        state: evidence.state ?? row.to_state,
        deadline: evidence.deadline ?? null,
      });
    }
    const tail = rows.at(-1);
    if (!tail || rows.length < pageSize) break;
    after = { at: tail.at, id: tail.id };
  }
  while (out.length < instants.length) countAt(instants[out.length] as number);
  return out;
}

/** When the history of a ban begins: its first change, or null while it has none. */
export async function firstChangeAt(db: Executor, banId: string): Promise<number | null> {
  const row = await db
    .selectFrom('finding_history')
    .select((eb) => eb.fn.min('at').as('first'))
    .where('ban_id', '=', banId)
    .executeTakeFirst();
  return row?.first === null || row?.first === undefined ? null : Number(row.first);
}
