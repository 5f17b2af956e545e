import type { Executor, Trx } from '../../store/executor.js';
import { appendFindingHistory, type Finding, upsertFindings } from '../../store/finding.repository.js';
import { parseJsonColumn } from '../../store/json-column.js';
import type { FindingChange } from '../engine/timeline.js';
import { evidenceOf, type HistoryEvidence, rowToChange, storedState } from './evidence.js';

/** A stored history row with its evidence read. */
export interface RecordedChange {
  deviceId: number;
  banId: string;
  change: FindingChange;
}

/** The history of these devices under every ban, in time order per device and ban. */
export async function loadRecordedChanges(
  db: Executor,
  deviceIds: readonly number[],
): Promise<RecordedChange[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db
    .selectFrom('finding_history')
    .select(['device_id', 'ban_id', 'revision', 'to_state', 'at', 'snapshot_id', 'evidence', 'id'])
    .where('device_id', 'in', [...deviceIds])
    .orderBy('device_id')
    .orderBy('ban_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    deviceId: row.device_id,
    banId: row.ban_id,
    change: rowToChange({
      ...row,
      evidence: parseJsonColumn<HistoryEvidence>(row.evidence, 'finding_history', 'evidence'),
    }),
  }));
}

/**
 * Replaces the history of one device under one ban from `from` on (all of it for −Infinity) by
 * the changes given. Rows before `from` stay as they are: that part of the past did not change.
 */
export async function replaceHistory(
  trx: Trx,
  banId: string,
  deviceIds: readonly number[],
  from: number,
  changes: ReadonlyArray<{ deviceId: number; change: FindingChange }>,
): Promise<void> {
  for (let i = 0; i < deviceIds.length; i += 500) {
    let query = trx
      .deleteFrom('finding_history')
      .where('ban_id', '=', banId)
      .where('device_id', 'in', deviceIds.slice(i, i + 500));
    if (from > -Infinity) query = query.where('at', '>=', from);
    await query.execute();
  }
  await appendFindingHistory(
    trx,
    changes.map(({ deviceId, change }) => ({
      deviceId,
      banId,
      revision: change.revision,
      from: change.from === null ? null : storedState(change.from),
      to: storedState(change.to),
      at: change.at,
      snapshotId: change.snapshotId,
      evidence: evidenceOf(change) as unknown as Record<string, unknown>,
    })),
  );
}

/** The findings table holds the state at the last evaluation; reports read the history instead. */
export async function writeCurrentFindings(
  trx: Trx,
  current: ReadonlyArray<{ deviceId: number; banId: string; change: FindingChange }>,
  evaluatedAt: number,
): Promise<void> {
  const findings: Finding[] = current.map(({ deviceId, banId, change }) => ({
    deviceId,
    banId,
    revision: change.revision,
    state: storedState(change.to),
    since: change.since,
    deadline: change.deadline,
    matched: change.matched.map((m) => ({ kind: m.kind, value: m.value, name: m.appName, appId: m.appId })),
    snapshotId: change.snapshotId,
    evaluatedAt,
  }));
  await upsertFindings(trx, findings);
}
