import { type RawBuilder, sql } from 'kysely';
import type { ComplianceState } from '../../compliance/engine/states.js';
import { DAY_MS } from '../../lib/dates.js';

/**
 * The SQL condition for a finding that shows `state` at `now`. The store keeps an overdue
 * violation as `violating` with its deadline (the last allowed day): it is overdue from the next
 * midnight, so `violating` here means violating and not yet overdue.
 */
export function findingShowsState(state: ComplianceState, now: number): RawBuilder<boolean> {
  const stored = sql.ref('findings.state');
  const deadline = sql.ref('findings.deadline');
  const lastAllowedDay = now - DAY_MS;
  switch (state) {
    case 'overdue':
      return sql<boolean>`(${stored} = 'violating' and ${deadline} is not null and ${deadline} <= ${lastAllowedDay})`;
    case 'violating':
      return sql<boolean>`(${stored} = 'violating' and (${deadline} is null or ${deadline} > ${lastAllowedDay}))`;
    default:
      return sql<boolean>`${stored} = ${state}`;
  }
}
