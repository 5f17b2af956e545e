import type { CompiledBan, CompiledException } from './compile.js';
import {
  banActive,
  DEFAULT_STALENESS_MS,
  deadlineFor,
  type EvaluateOptions,
  exceptionActive,
  isOverdue,
} from './evaluate.js';
import type { Fleet } from './fleet.js';
import { groupInScope, groupWithin } from './groups.js';
import { COMPLIANT, EXCEPTED, emptyCounts, OVERDUE, type StateCounts, UNKNOWN, VIOLATING } from './states.js';

export interface FleetEvaluationOptions extends Omit<EvaluateOptions, 'entered'> {
  /** When each device (by index) last became subject to the ban; NaN or absent: the ban's start. */
  entered?: Float64Array;
  /**
   * Which devices hold an app this ban bans (see scanBannedApps), kept up to date as inventories
   * arrive: evaluating again at another instant then skips the app scan.
   */
  hits?: Uint8Array;
}

/**
 * Marks every device whose evidence holds an identity the ban bans on its platform: the one pass
 * over all app ids a new ban revision needs. Keep it current with `markBannedApps` per device.
 */
export function scanBannedApps(fleet: Fleet, ban: CompiledBan): Uint8Array {
  const hits = new Uint8Array(fleet.size);
  for (let i = 0; i < fleet.size; i++) hits[i] = markBannedApps(fleet, ban, i);
  return hits;
}

export function markBannedApps(fleet: Fleet, ban: CompiledBan, i: number): 0 | 1 {
  const banned = ban.banned;
  const bit = 1 << (fleet.platform[i] as number);
  const start = fleet.appStart[i] as number;
  const end = start + (fleet.appLength[i] as number);
  const data = fleet.appData;
  for (let k = start; k < end; k++) {
    const id = data[k] as number;
    if (id < banned.length && ((banned[id] as number) & bit) !== 0) return 1;
  }
  return 0;
}

export interface FleetEvaluation {
  at: number;
  /** A state code (see states.ts) per device index. */
  states: Uint8Array;
  counts: StateCounts;
  /** Indexes of violating and overdue devices, with their deadlines. */
  violators: number[];
  deadlines: Map<number, number>;
  /** The exception that covers each excepted device. */
  exceptions: Map<number, string>;
}

interface ActiveException {
  id: string;
  /** 1 where the exception's group covers the interned group, over the fleet's group ids. */
  groups: Uint8Array | undefined;
  devices: Set<number> | undefined;
  holders: Set<number> | undefined;
}

function prepareException(fleet: Fleet, exception: CompiledException): ActiveException | undefined {
  if (exception.group === undefined && exception.devices === undefined && exception.holders === undefined) {
    return undefined;
  }
  let groups: Uint8Array | undefined;
  const prefix = exception.group;
  if (prefix !== undefined) {
    groups = new Uint8Array(fleet.groups.size);
    for (let g = 0; g < groups.length; g++) groups[g] = groupWithin(fleet.groups.key(g), prefix) ? 1 : 0;
  }
  let devices: Set<number> | undefined;
  if (exception.devices !== undefined) {
    devices = new Set<number>();
    for (const token of exception.devices) for (const i of fleet.devicesNamed(token)) devices.add(i);
  }
  let holders: Set<number> | undefined;
  if (exception.holders !== undefined) {
    holders = new Set<number>();
    for (let h = 0; h < fleet.holders.size; h++) {
      if (exception.holders.has(fleet.holders.key(h).toLowerCase())) holders.add(h);
    }
  }
  return { id: exception.id, groups, devices, holders };
}

/**
 * Evaluates every device of the fleet under one ban revision at one instant: the same questions
 * as `evaluateDevice`, asked column by column. Scope per group is decided once per interned group;
 * the app scan reads the banned bitmap by id.
 */
export function evaluateFleet(
  fleet: Fleet,
  ban: CompiledBan,
  at: number,
  options: FleetEvaluationOptions = {},
): FleetEvaluation {
  const n = fleet.size;
  const states = new Uint8Array(n);
  const counts = emptyCounts();
  const result: FleetEvaluation = {
    at,
    states,
    counts,
    violators: [],
    deadlines: new Map(),
    exceptions: new Map(),
  };
  if (!banActive(ban, at)) return result;

  const staleness = options.stalenessMs ?? DEFAULT_STALENESS_MS;
  const groupCount = fleet.groups.size;
  const groupScope = new Uint8Array(groupCount);
  for (let g = 0; g < groupCount; g++)
    groupScope[g] = groupInScope(fleet.groups.key(g), ban.include, ban.exclude) ? 1 : 0;
  const noGroupInScope = groupInScope(undefined, ban.include, ban.exclude);
  const active: ActiveException[] = [];
  for (const exception of ban.exceptions) {
    if (!exceptionActive(exception, at)) continue;
    const prepared = prepareException(fleet, exception);
    if (prepared) active.push(prepared);
  }

  const { ownershipMask, platformMask, banned } = ban;
  const bannedLength = banned.length;
  const ownership = fleet.ownership;
  const platform = fleet.platform;
  const group = fleet.group;
  const holder = fleet.holder;
  const observedAt = fleet.observedAt;
  const fullAt = fleet.fullAt;
  const appStart = fleet.appStart;
  const appLength = fleet.appLength;
  const appData = fleet.appData;
  const entered = options.entered;
  const hits = options.hits;
  let deadlineForStart = Number.NaN;

  for (let i = 0; i < n; i++) {
    const p = platform[i] as number;
    const g = group[i] as number;
    if (
      (ownershipMask & (1 << (ownership[i] as number))) === 0 ||
      (platformMask & (1 << p)) === 0 ||
      (g < 0 ? !noGroupInScope : groupScope[g] === 0)
    ) {
      continue; // states[i] stays 0: not in scope
    }
    counts.inScope++;
    if (active.length > 0) {
      let covering: string | undefined;
      for (const exception of active) {
        if (exception.groups !== undefined && (g < 0 || exception.groups[g] === 0)) continue;
        if (exception.devices !== undefined && !exception.devices.has(i)) continue;
        if (exception.holders !== undefined && !exception.holders.has(holder[i] as number)) continue;
        covering = exception.id;
        break;
      }
      if (covering !== undefined) {
        states[i] = EXCEPTED;
        counts.excepted++;
        result.exceptions.set(i, covering);
        continue;
      }
    }
    const observed = observedAt[i] as number;
    // NaN compares false, so a device never inventoried fails `observed <= at` and stays unknown.
    if (!(observed <= at) || at - observed > staleness) {
      states[i] = UNKNOWN;
      counts.unknown++;
      continue;
    }
    let hit = false;
    if (hits !== undefined) {
      hit = hits[i] === 1;
    } else {
      const bit = 1 << p;
      const start = appStart[i] as number;
      const end = start + (appLength[i] as number);
      for (let k = start; k < end; k++) {
        const id = appData[k] as number;
        if (id < bannedLength && ((banned[id] as number) & bit) !== 0) {
          hit = true;
          break;
        }
      }
    }
    if (hit) {
      const since = entered === undefined ? Number.NaN : (entered[i] as number);
      let deadline: number;
      if (Number.isNaN(since)) {
        if (Number.isNaN(deadlineForStart)) deadlineForStart = deadlineFor(ban, null);
        deadline = deadlineForStart;
      } else {
        deadline = deadlineFor(ban, since);
      }
      const late = isOverdue(deadline, at);
      states[i] = late ? OVERDUE : VIOLATING;
      if (late) counts.overdue++;
      else counts.violating++;
      result.violators.push(i);
      result.deadlines.set(i, deadline);
      continue;
    }
    const full = fullAt[i] as number;
    if (!(full <= at) || at - full > staleness) {
      states[i] = UNKNOWN;
      counts.unknown++;
    } else {
      states[i] = COMPLIANT;
      counts.compliant++;
    }
  }
  return result;
}
