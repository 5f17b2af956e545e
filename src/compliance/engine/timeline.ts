import { DAY_MS } from '../../lib/dates.js';
import {
  type BannedApp,
  type CompiledBan,
  type CompiledException,
  withRuntimeExceptions,
} from './compile.js';
import {
  DEFAULT_STALENESS_MS,
  type DeviceEvidence,
  type DeviceFacts,
  evaluateDevice,
  type FindingReason,
} from './evaluate.js';
import { normalizeGroup } from './groups.js';
import { type ComplianceState, isSubject, isViolation } from './states.js';

/** One stored inventory of the device, as the timeline reads it. */
export interface Observation {
  snapshotId: number;
  observedAt: number;
  coverage: 'full' | 'partial';
  /** What the source said about the device; a fact it left out carries over from earlier inventories. */
  facts: Partial<DeviceFacts>;
  /** Interned app ids. Only banned ids matter, so a caller may pass just those. */
  apps: ArrayLike<number>;
}

/** A ban revision and the instant it came into force (the first revision: since always). */
export interface RevisionSpan {
  ban: CompiledBan;
  effectiveFrom: number;
}

export interface TimelineInput {
  /** Lower-cased ids an exception's `devices` list may name (store id, serial…); the name is added. */
  tokens: readonly string[];
  observations: readonly Observation[];
  revisions: readonly RevisionSpan[];
  /** Exceptions managed in the store; they apply under every revision of the ban. */
  exceptions?: readonly CompiledException[];
  stalenessMs?: number;
  /** Continue a recorded history instead of starting from the first inventory. */
  resume?: TimelineResume;
}

/**
 * Where a recorded history is picked up: changes before `from` stand. The observations given must
 * then include those that make up the evidence at `from` (the newest full inventory before it and
 * the partial ones after that) and every later one; facts come from `previous`, so observations
 * before `from` may leave theirs out.
 */
export interface TimelineResume {
  from: number;
  /** The last change recorded before `from`, if any. */
  previous: FindingChange | undefined;
}

/** One change of a device's finding under one ban. */
export interface FindingChange {
  at: number;
  revision: number;
  from: ComplianceState | null;
  to: ComplianceState;
  /** When the current state began; a violation that turns overdue keeps the violation's start. */
  since: number;
  /** When the device last became subject to the ban: the removal deadline runs from this day. */
  entered: number | null;
  deadline: number | null;
  matched: BannedApp[];
  exceptionId: string | null;
  reason: FindingReason;
  /** The newest inventory at that time: the evidence. */
  snapshotId: number | null;
  group: string | null;
  holder: string | null;
  name: string | null;
  ownership: string;
  platform: string;
}

function byTime(a: Observation, b: Observation): number {
  return a.observedAt - b.observedAt || a.snapshotId - b.snapshotId;
}

/**
 * What a report shows of a finding, and the device's facts; a change is recorded when any of it
 * differs, so the history also tells which group, holder and ownership a device had at any time.
 */
function signature(change: FindingChange): string {
  const apps = change.matched.map((m) => `${m.kind}:${m.value}`).join(',');
  return [
    change.to,
    change.deadline,
    apps,
    change.exceptionId,
    change.group,
    change.holder,
    change.name,
    change.ownership,
    change.platform,
  ].join('\u0001');
}

/**
 * Every change of one device's finding under one ban, in time order, from its first inventory on,
 * including the changes that come from the clock alone: a ban that starts or ends, a revision
 * coming into force, an exception that starts or expires, an inventory going stale, a deadline
 * passing. The finding is constant between the instants where one of these happens, so evaluating
 * at each such instant and keeping the differences is exact. The input order of observations does
 * not matter: a late inventory takes its place in time.
 */
export function deriveTimeline(input: TimelineInput): FindingChange[] {
  const observations = [...input.observations].sort(byTime);
  const first = observations[0];
  if (first === undefined || input.revisions.length === 0) return [];
  const revisions = [...input.revisions].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  const runtime = input.exceptions ?? [];
  const staleness = input.stalenessMs ?? DEFAULT_STALENESS_MS;

  const previousChange = input.resume?.previous;
  const facts: DeviceFacts = {
    ownership: previousChange?.ownership ?? 'unknown',
    platform: previousChange?.platform ?? 'unknown',
  };
  if (previousChange?.group != null) facts.group = previousChange.group;
  if (previousChange?.holder != null) facts.holder = previousChange.holder;
  if (previousChange?.name != null) facts.name = previousChange.name;
  let apps: number[] = [];
  let appSet = new Set<number>();
  const evidence: DeviceEvidence = {
    tokens: input.tokens,
    facts,
    observedAt: Number.NaN,
    fullAt: Number.NaN,
    apps,
    snapshotId: null,
  };
  const absorb = (observation: Observation) => {
    const f = observation.facts;
    if (f.group !== undefined) facts.group = normalizeGroup(f.group);
    if (f.holder !== undefined) facts.holder = f.holder;
    if (f.name !== undefined) facts.name = f.name;
    if (f.ownership !== undefined) facts.ownership = f.ownership;
    if (f.platform !== undefined) facts.platform = f.platform;
    if (observation.coverage === 'full') {
      apps = [];
      appSet = new Set();
      evidence.fullAt = observation.observedAt;
    }
    for (let k = 0; k < observation.apps.length; k++) {
      const id = observation.apps[k] as number;
      if (!appSet.has(id)) {
        appSet.add(id);
        apps.push(id);
      }
    }
    evidence.apps = apps;
    evidence.observedAt = observation.observedAt;
    evidence.snapshotId = observation.snapshotId;
    evidence.tokens = facts.name === undefined ? input.tokens : [...input.tokens, facts.name.toLowerCase()];
  };

  const changes: FindingChange[] = [];
  let state: ComplianceState | null = previousChange?.to ?? null;
  let since = previousChange?.since ?? Number.NaN;
  let entered: number | null = previousChange?.entered ?? null;
  let previous = previousChange ? signature(previousChange) : '';
  let next = 0;
  let t = Math.max(first.observedAt, input.resume?.from ?? -Infinity);
  let revisionIndex = 0;
  // Before `from`, observations only rebuild the evidence; their facts are already in `previous`.
  if (input.resume) {
    while (next < observations.length && (observations[next] as Observation).observedAt < t) {
      absorb({ ...(observations[next] as Observation), facts: {} });
      next++;
    }
  }

  while (t < Infinity) {
    while (next < observations.length && (observations[next] as Observation).observedAt <= t) {
      absorb(observations[next] as Observation);
      next++;
    }
    while (
      revisionIndex + 1 < revisions.length &&
      (revisions[revisionIndex + 1] as RevisionSpan).effectiveFrom <= t
    ) {
      revisionIndex++;
    }
    const span = revisions[revisionIndex] as RevisionSpan;
    const ban = withRuntimeExceptions(span.ban, runtime);
    const subjectBefore = isSubject(state);
    const finding = evaluateDevice(evidence, ban, t, {
      stalenessMs: staleness,
      entered: subjectBefore ? entered : t,
    });
    const to = finding.state;
    if (!isSubject(to)) entered = null;
    else if (!subjectBefore) entered = t;

    const change: FindingChange = {
      at: t,
      revision: ban.revision,
      from: state,
      to,
      since: t,
      entered,
      deadline: finding.deadline,
      matched: finding.matched,
      exceptionId: finding.exceptionId,
      reason: finding.reason,
      snapshotId: evidence.snapshotId,
      group: facts.group ?? null,
      holder: facts.holder ?? null,
      name: facts.name ?? null,
      ownership: facts.ownership,
      platform: facts.platform,
    };
    const key = signature(change);
    if (key !== previous) {
      const continues = to === state || (isViolation(to) && isViolation(state));
      change.since = continues ? since : t;
      changes.push(change);
      previous = key;
      state = to;
      since = change.since;
    }

    // The next instant anything the finding depends on can change.
    let upcoming = Infinity;
    const consider = (instant: number) => {
      if (instant > t && instant < upcoming) upcoming = instant;
    };
    if (next < observations.length) consider((observations[next] as Observation).observedAt);
    if (revisionIndex + 1 < revisions.length)
      consider((revisions[revisionIndex + 1] as RevisionSpan).effectiveFrom);
    consider(ban.startsAt);
    consider(ban.endsAt);
    for (const exception of ban.exceptions) {
      consider(exception.startsAt);
      consider(exception.endsAt);
    }
    consider(evidence.observedAt + staleness + 1);
    consider(evidence.fullAt + staleness + 1);
    if (finding.deadline !== null) consider(finding.deadline + DAY_MS);
    t = upcoming;
  }
  return changes;
}

/** The finding in force at an instant: the last change at or before it. */
export function changeAt(changes: readonly FindingChange[], at: number): FindingChange | undefined {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((changes[mid] as FindingChange).at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : changes[lo - 1];
}
