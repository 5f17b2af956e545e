import type { Executor } from '../executor.js';
import { historyRowToChange, type StoredFindingChange } from '../finding.repository.js';

/**
 * A device's history under every ban, newest first, up to `asOf`: the history also holds changes
 * the clock will bring (a deadline passing), written ahead; those have not happened yet.
 */
export async function recentDeviceHistory(
  db: Executor,
  deviceId: number,
  options: { asOf: number; limit: number },
): Promise<StoredFindingChange[]> {
  const rows = await db
    .selectFrom('finding_history')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('at', '<=', options.asOf)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map(historyRowToChange);
}
