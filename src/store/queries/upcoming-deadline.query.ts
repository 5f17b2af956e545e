import { sql } from 'kysely';
import { DAY_MS } from '../../lib/dates.js';
import type { Executor } from '../executor.js';

export interface NextDeadline {
  banId: string;
  /** The last allowed day (midnight UTC), as stored. */
  deadline: number;
  /** How many devices share it. */
  devices: number;
}

/**
 * Per ban, the earliest removal deadline among violations not yet overdue at `now`, and how many
 * devices must remove the app by then.
 */
export async function nextRemovalDeadlines(db: Executor, now: number): Promise<NextDeadline[]> {
  const lastAllowedDay = now - DAY_MS;
  const rows = await db
    .selectFrom('findings as f')
    .select(['f.ban_id', 'f.deadline', sql<number>`count(*)`.as('n')])
    .where('f.state', '=', 'violating')
    .where('f.deadline', '=', (eb) =>
      eb
        .selectFrom('findings as f2')
        .select((e) => e.fn.min('f2.deadline').as('earliest'))
        .whereRef('f2.ban_id', '=', 'f.ban_id')
        .where('f2.state', '=', 'violating')
        .where('f2.deadline', '>', lastAllowedDay),
    )
    .groupBy(['f.ban_id', 'f.deadline'])
    .orderBy('f.ban_id')
    .execute();
  return rows.flatMap((row) =>
    row.deadline === null
      ? []
      : [{ banId: row.ban_id, deadline: Number(row.deadline), devices: Number(row.n) }],
  );
}
