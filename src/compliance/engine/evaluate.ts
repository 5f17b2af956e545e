import { addDuration, DAY_MS } from '../../lib/dates.js';
import { ownershipCode, type PlatformOrUnknown, platformCode } from './codes.js';
import type { BannedApp, CompiledBan, CompiledException } from './compile.js';
import { groupInScope, groupWithin } from './groups.js';
import type { ComplianceState } from './states.js';

export const DEFAULT_STALENESS_MS = 7 * DAY_MS;

export interface EvaluateOptions {
  /** An inventory older than this proves nothing: the finding is `unknown`. */
  stalenessMs?: number;
  /**
   * When the device last became subject to the ban (entered scope, or its exception ended); the
   * removal deadline runs from the later of this day and the ban's start. Unknown: the ban's start.
   */
  entered?: number | null;
}

/** What one device looked like as of the evaluation time. */
export interface DeviceFacts {
  /** Normalised group path (see normalizeGroup). */
  group?: string | undefined;
  ownership: string;
  platform: PlatformOrUnknown | string;
  holder?: string | undefined;
  name?: string | undefined;
}

export interface DeviceEvidence {
  /** Lower-cased strings an exception's `devices` list may name: the device id, name, serial… */
  tokens: readonly string[];
  facts: DeviceFacts;
  /** The newest inventory of any coverage; NaN when the device was never inventoried. */
  observedAt: number;
  /** The newest full inventory; NaN when there is none. */
  fullAt: number;
  /** Interned app ids: the newest full inventory and every partial one newer than it. */
  apps: ArrayLike<number>;
  snapshotId: number | null;
}

export type FindingReason =
  | 'ban-not-started'
  | 'ban-ended'
  | 'ownership'
  | 'platform'
  | 'group'
  | 'exception'
  | 'no-inventory'
  | 'stale'
  | 'partial-only'
  | 'banned-app'
  | 'clean';

export interface Finding {
  state: ComplianceState;
  reason: FindingReason;
  /** For violations: the last day (midnight UTC) by which the app had to be removed. */
  deadline: number | null;
  matched: BannedApp[];
  exceptionId: string | null;
}

export function banActive(ban: CompiledBan, at: number): boolean {
  return at >= ban.startsAt && at < ban.endsAt;
}

/** The removal deadline: the ban's duration counted from the later of its start and the entry day. */
export function deadlineFor(ban: CompiledBan, entered: number | null | undefined): number {
  const from = entered === null || entered === undefined || Number.isNaN(entered) ? ban.startsAt : entered;
  const day = Math.floor(Math.max(ban.startsAt, from) / DAY_MS) * DAY_MS;
  return addDuration(day, ban.removal);
}

/** Overdue from the first instant after the deadline day. */
export function isOverdue(deadline: number, at: number): boolean {
  return at >= deadline + DAY_MS;
}

/**
 * The state a stored finding shows at `at`: the store keeps an overdue violation as `violating`
 * with its deadline, and reports, the API and the trend show it as `overdue` once the day is past.
 */
export function stateShownAt(state: ComplianceState, deadline: number | null, at: number): ComplianceState {
  return state === 'violating' && deadline !== null && isOverdue(deadline, at) ? 'overdue' : state;
}

export function exceptionActive(exception: CompiledException, at: number): boolean {
  return at >= exception.startsAt && at < exception.endsAt;
}

export function exceptionCovers(
  exception: CompiledException,
  tokens: readonly string[],
  group: string | undefined,
  holder: string | undefined,
): boolean {
  if (exception.group === undefined && exception.devices === undefined && exception.holders === undefined)
    return false;
  if (exception.group !== undefined && (group === undefined || !groupWithin(group, exception.group)))
    return false;
  const devices = exception.devices;
  if (devices !== undefined && !tokens.some((token) => devices.has(token))) return false;
  if (
    exception.holders !== undefined &&
    (holder === undefined || !exception.holders.has(holder.toLowerCase()))
  ) {
    return false;
  }
  return true;
}

/** The banned identities among a device's apps, name-based ones marked, each catalog identity once. */
export function matchApps(ban: CompiledBan, apps: ArrayLike<number>, platform: number): BannedApp[] {
  const bit = 1 << platform;
  const found: BannedApp[] = [];
  const seen = new Set<number>();
  const banned = ban.banned;
  for (let k = 0; k < apps.length; k++) {
    const id = apps[k] as number;
    if (id >= banned.length || ((banned[id] as number) & bit) === 0 || seen.has(id)) continue;
    seen.add(id);
    const match = ban.matches.get(id);
    if (match) found.push(match);
  }
  return found.sort(
    (a, b) => Number(a.nameBased) - Number(b.nameBased) || a.appName.localeCompare(b.appName),
  );
}

const finding = (state: ComplianceState, reason: FindingReason, extra: Partial<Finding> = {}): Finding => ({
  state,
  reason,
  deadline: null,
  matched: [],
  exceptionId: null,
  ...extra,
});

/**
 * The finding for one device under one ban revision at one instant. Order of the questions: is the
 * ban in force; is the device in scope (ownership, platform, groups); is it excepted; is its
 * inventory fresh; does it hold a banned app; and, to call it compliant, is there a fresh full
 * inventory (a partial one can show a violation, never its absence).
 */
export function evaluateDevice(
  device: DeviceEvidence,
  ban: CompiledBan,
  at: number,
  options: EvaluateOptions = {},
): Finding {
  const staleness = options.stalenessMs ?? DEFAULT_STALENESS_MS;
  if (at < ban.startsAt) return finding('not-in-scope', 'ban-not-started');
  if (at >= ban.endsAt) return finding('not-in-scope', 'ban-ended');
  const facts = device.facts;
  if ((ban.ownershipMask & (1 << ownershipCode(facts.ownership))) === 0)
    return finding('not-in-scope', 'ownership');
  const platform = platformCode(facts.platform);
  if ((ban.platformMask & (1 << platform)) === 0) return finding('not-in-scope', 'platform');
  if (!groupInScope(facts.group, ban.include, ban.exclude)) return finding('not-in-scope', 'group');
  for (const exception of ban.exceptions) {
    if (
      exceptionActive(exception, at) &&
      exceptionCovers(exception, device.tokens, facts.group, facts.holder)
    ) {
      return finding('excepted', 'exception', { exceptionId: exception.id });
    }
  }
  if (Number.isNaN(device.observedAt) || device.observedAt > at) return finding('unknown', 'no-inventory');
  if (at - device.observedAt > staleness) return finding('unknown', 'stale');
  const matched = matchApps(ban, device.apps, platform);
  if (matched.length > 0) {
    const deadline = deadlineFor(ban, options.entered);
    return finding(isOverdue(deadline, at) ? 'overdue' : 'violating', 'banned-app', { deadline, matched });
  }
  if (Number.isNaN(device.fullAt) || at - device.fullAt > staleness)
    return finding('unknown', 'partial-only');
  return finding('compliant', 'clean');
}
