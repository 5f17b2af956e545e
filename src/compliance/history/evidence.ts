import type { FindingState } from '../../store/schema.js';
import type { FindingReason } from '../engine/evaluate.js';
import type { ComplianceState } from '../engine/states.js';
import type { FindingChange } from '../engine/timeline.js';

/**
 * The `evidence` JSON of a finding_history row: everything a report for that moment shows, and
 * what the next evaluation needs to pick the history up (`entered`, the device's facts). The
 * store's state column knows five states; `overdue` is stored as `violating` and kept here.
 */
export interface HistoryEvidence {
  state: ComplianceState;
  since: number;
  entered: number | null;
  deadline: number | null;
  apps: EvidenceApp[];
  exception: string | null;
  reason: FindingReason;
  group: string | null;
  holder: string | null;
  name: string | null;
  ownership: string;
  platform: string;
}

export interface EvidenceApp {
  /** Catalog app id, e.g. `tiktok`. */
  app: string;
  name: string;
  kind: string;
  value: string;
  /** Matched by display name only: lower confidence. */
  byName: boolean;
}

export function storedState(state: ComplianceState): FindingState {
  return state === 'overdue' ? 'violating' : state;
}

export function evidenceOf(change: FindingChange): HistoryEvidence {
  return {
    state: change.to,
    since: change.since,
    entered: change.entered,
    deadline: change.deadline,
    apps: change.matched.map((m) => ({
      app: m.appId,
      name: m.appName,
      kind: m.kind,
      value: m.value,
      byName: m.nameBased,
    })),
    exception: change.exceptionId,
    reason: change.reason,
    group: change.group,
    holder: change.holder,
    name: change.name,
    ownership: change.ownership,
    platform: change.platform,
  };
}

/** Reads a stored change back as the engine's FindingChange (the previous state is not kept). */
export function rowToChange(row: {
  revision: number;
  to_state: FindingState;
  at: number;
  snapshot_id: number | null;
  evidence: HistoryEvidence;
}): FindingChange {
  const e = row.evidence;
  return {
    at: row.at,
    revision: row.revision,
    from: null,
    to: e.state ?? row.to_state,
    since: e.since ?? row.at,
    entered: e.entered ?? null,
    deadline: e.deadline ?? null,
    matched: (e.apps ?? []).map((a) => ({
      appId: a.app,
      appName: a.name,
      kind: a.kind,
      value: a.value,
      nameBased: a.byName,
    })),
    exceptionId: e.exception ?? null,
    reason: e.reason,
    snapshotId: row.snapshot_id,
    group: e.group ?? null,
    holder: e.holder ?? null,
    name: e.name ?? null,
    ownership: e.ownership ?? 'unknown',
    platform: e.platform ?? 'unknown',
  };
}
