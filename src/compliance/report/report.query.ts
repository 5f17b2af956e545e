import type { Executor } from '../../store/executor.js';
import { parseJsonColumn } from '../../store/json-column.js';
import type { FindingState } from '../../store/schema.js';
import type { HistoryEvidence } from '../history/evidence.js';

export interface FindingAsOf {
  deviceId: number;
  banId: string;
  state: FindingState;
  at: number;
  evidence: Partial<HistoryEvidence>;
}

/**
 * The last history row at or before `at` of every (device, ban), a page of devices at a time:
 * one index seek on (device_id, ban_id, at) per pair, which beats ranking every row up to `at`
 * once histories grow long.
 */
export async function* findingsAt(
  db: Executor,
  options: { at: number; banId?: string; pageSize?: number },
): AsyncGenerator<FindingAsOf[]> {
  const pageSize = options.pageSize ?? 5000;
  let after = 0;
  for (;;) {
    const ids = await db
      .selectFrom('devices')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    const last = ids.at(-1)?.id;
    if (last === undefined) return;
    let pairs = db
      .selectFrom('finding_history')
      .select(['device_id', 'ban_id'])
      .distinct()
      .where('device_id', '>', after)
      .where('device_id', '<=', last);
    if (options.banId !== undefined) pairs = pairs.where('ban_id', '=', options.banId);
    const rows = await db
      .selectFrom(pairs.as('p'))
      .innerJoin('finding_history as h', (join) =>
        join.on((eb) =>
          eb(
            'h.id',
            '=',
            eb
              .selectFrom('finding_history as h2')
              .select('h2.id')
              .whereRef('h2.device_id', '=', 'p.device_id')
              .whereRef('h2.ban_id', '=', 'p.ban_id')
              .where('h2.at', '<=', options.at)
              .orderBy('h2.at', 'desc')
              .orderBy('h2.id', 'desc')
              .limit(1),
          ),
        ),
      )
      .select(['h.device_id', 'h.ban_id', 'h.to_state', 'h.at', 'h.evidence'])
      .orderBy('h.device_id')
      .orderBy('h.ban_id')
      .execute();
    yield rows.map((row) => ({
      deviceId: row.device_id,
      banId: row.ban_id,
      state: row.to_state,
      at: row.at,
      evidence: parseJsonColumn<Partial<HistoryEvidence>>(row.evidence, 'finding_history', 'evidence'),
    }));
    after = last;
  }
}
