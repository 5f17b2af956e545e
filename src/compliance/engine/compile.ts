import { bannedIdentifiers } from '../../bans/ban.resolve.js';
import type { Ban, BanException, ExceptionSubjects } from '../../bans/ban.types.js';
import type { Catalog } from '../../catalog/catalog.types.js';
import { DAY_MS, type Duration, parseCalendarDate, parseDuration } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { ownershipCode, platformCode, UNKNOWN_PLATFORM } from './codes.js';
import { normalizeGroup } from './groups.js';
import { appKey, type Interner } from './interner.js';

/** Bits 0–6 of a banned-bitmap entry: the device platform codes the identity is banned on. */
export const ALL_PLATFORM_BITS = (1 << (UNKNOWN_PLATFORM + 1)) - 1;
/** Bit 7: the identity is a display name, a lower-confidence match. */
export const NAME_BASED = 0x80;

/** What a match of one interned identity means: the catalog app it belongs to. */
export interface BannedApp {
  appId: string;
  appName: string;
  kind: string;
  value: string;
  nameBased: boolean;
}

export interface CompiledException {
  id: string;
  origin: 'ban' | 'runtime';
  /** Covered from this instant (−Infinity: from the start of the revision). */
  startsAt: number;
  /** The first instant no longer covered. */
  endsAt: number;
  /** Each subject given must match; an exception with no subject covers nothing. */
  group?: string;
  devices?: ReadonlySet<string>;
  holders?: ReadonlySet<string>;
}

/** A ban revision reduced to what evaluation reads, over the fleet's interners. */
export interface CompiledBan {
  banId: string;
  revision: number;
  title: string;
  /** Midnight UTC of `period.start`. */
  startsAt: number;
  /** The first instant after `period.end` (the whole end day is covered); Infinity without an end. */
  endsAt: number;
  removal: Duration;
  removalText: string;
  /** Bit per ownership code, bit per platform code. */
  ownershipMask: number;
  platformMask: number;
  include: readonly string[];
  exclude: readonly string[];
  /** Indexed by interned app id (ids from before compilation); see ALL_PLATFORM_BITS and NAME_BASED. */
  banned: Uint8Array;
  matches: ReadonlyMap<number, BannedApp>;
  exceptions: readonly CompiledException[];
}

export interface RuntimeException {
  id: string;
  subjects: ExceptionSubjects;
  startsAt: number | null;
  expiresAt: number;
  revokedAt: number | null;
}

function calendarDate(text: string, path: string): number {
  const ms = parseCalendarDate(text);
  if (ms === undefined) {
    throw new AppbanError('BAN_INVALID_DATE', `${text} is not a calendar date`, { location: { path } });
  }
  return ms;
}

function subjectsOf(subjects: ExceptionSubjects): Pick<CompiledException, 'group' | 'devices' | 'holders'> {
  const out: Pick<CompiledException, 'group' | 'devices' | 'holders'> = {};
  if (subjects.group !== undefined) out.group = normalizeGroup(subjects.group);
  if (subjects.devices !== undefined)
    out.devices = new Set(subjects.devices.map((d) => d.trim().toLowerCase()));
  if (subjects.holders !== undefined)
    out.holders = new Set(subjects.holders.map((h) => h.trim().toLowerCase()));
  return out;
}

export function compileBanException(exception: BanException, index: number): CompiledException {
  const path = `exceptions[${index}]`;
  return {
    id: exception.id,
    origin: 'ban',
    startsAt: exception.starts === undefined ? -Infinity : calendarDate(exception.starts, `${path}.starts`),
    endsAt: calendarDate(exception.expires, `${path}.expires`) + DAY_MS,
    ...subjectsOf(exception.subjects),
  };
}

/** A revoked exception covers until its revocation; one without a start covers from its creation. */
export function compileRuntimeException(exception: RuntimeException): CompiledException {
  return {
    id: exception.id,
    origin: 'runtime',
    startsAt: exception.startsAt ?? -Infinity,
    endsAt: Math.min(exception.expiresAt, exception.revokedAt ?? Infinity),
    ...subjectsOf(exception.subjects),
  };
}

/**
 * Compiles one revision of a ban. Every identifier the ban targets is interned, so the bitmap
 * covers all banned ids; app ids interned later are never banned by this revision. A target that
 * names platforms bans its identifiers on those device platforms only (and on devices whose
 * platform is unknown); otherwise an identity is banned wherever it is seen, which also catches an
 * iOS app running on an Apple-silicon Mac. Display names also match the app's catalog aliases.
 */
export function compileBan(ban: Ban, revision: number, catalog: Catalog, apps: Interner): CompiledBan {
  const bits = new Map<number, number>();
  const matches = new Map<number, BannedApp>();
  const mark = (
    kind: string,
    value: string,
    platforms: number,
    app: Omit<BannedApp, 'kind' | 'value' | 'nameBased'>,
  ) => {
    const id = apps.intern(appKey(kind, value));
    const nameBased = kind === 'display-name';
    bits.set(id, (bits.get(id) ?? 0) | platforms | (nameBased ? NAME_BASED : 0));
    if (!matches.has(id)) matches.set(id, { ...app, kind, value, nameBased });
  };
  for (const target of ban.targets) {
    const platforms =
      target.platforms === undefined
        ? ALL_PLATFORM_BITS
        : target.platforms.reduce((mask, p) => mask | (1 << platformCode(p)), 1 << UNKNOWN_PLATFORM);
    const named = new Set<string>();
    for (const identifier of bannedIdentifiers({ ...ban, targets: [target] }, catalog)) {
      const app = { appId: identifier.appId, appName: identifier.appName };
      mark(identifier.kind, identifier.value, platforms, app);
      if (identifier.kind === 'display-name') named.add(identifier.appId);
    }
    for (const appId of named) {
      const app = catalog.apps.get(appId);
      for (const alias of app?.aliases ?? [])
        mark('display-name', alias, platforms, { appId, appName: app?.name ?? appId });
    }
  }
  const banned = new Uint8Array(apps.size);
  for (const [id, value] of bits) banned[id] = value;

  const ownershipMask = ban.scope.ownership.reduce((mask, o) => mask | (1 << ownershipCode(o)), 0);
  const platformMask =
    ban.scope.platforms === 'all'
      ? ALL_PLATFORM_BITS
      : ban.scope.platforms.reduce((mask, p) => mask | (1 << platformCode(p)), 0);
  const removal = parseDuration(ban.removal.deadline);
  if (removal === undefined) {
    throw new AppbanError('BAN_INVALID_DURATION', `${ban.removal.deadline} is not an ISO 8601 duration`, {
      location: { path: 'removal.deadline' },
    });
  }
  return {
    banId: ban.id,
    revision,
    title: ban.title,
    startsAt: calendarDate(ban.period.start, 'period.start'),
    endsAt: ban.period.end === undefined ? Infinity : calendarDate(ban.period.end, 'period.end') + DAY_MS,
    removal,
    removalText: ban.removal.deadline,
    ownershipMask,
    platformMask,
    include: ban.scope.groups.include.map(normalizeGroup),
    exclude: ban.scope.groups.exclude.map(normalizeGroup),
    banned,
    matches,
    exceptions: ban.exceptions.map(compileBanException),
  };
}

/** The same revision with runtime exceptions (from the store) added to those of the ban file. */
export function withRuntimeExceptions(ban: CompiledBan, runtime: readonly CompiledException[]): CompiledBan {
  if (runtime.length === 0) return ban;
  return { ...ban, exceptions: [...ban.exceptions, ...runtime] };
}
