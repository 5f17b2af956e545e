import { BAN_ID_PATTERN } from '../bans/ban.schema.js';
import type { Ban, BanException } from '../bans/ban.types.js';
import type { CatalogApp, DevicePlatform } from '../catalog/catalog.types.js';
import { AppbanError } from '../lib/errors.js';
import { banCoversPlatform } from './ban-identifiers.js';
import type { EnforcementContext } from './target.types.js';

/**
 * Helpers shared by the device-management targets (Apple profile, Santa, Windows AppLocker):
 * the checks every one of them makes before it writes, and how a ban's exceptions read.
 */

/** The ban id names the artifact files and profile identifiers, so it must be a plain slug. */
export function requireFileSafeBanId(ban: Ban): void {
  if (!BAN_ID_PATTERN.test(ban.id)) {
    throw new AppbanError(
      'BAN_INVALID_VALUE',
      `ban id ${JSON.stringify(ban.id)} cannot name a file; use lower-case letters, digits, dots, dashes and underscores`,
      { location: { path: 'id' } },
    );
  }
}

/** A ban scoped to other platforms has nothing for this target, even if the catalog has identifiers. */
export function requirePlatformInScope(ban: Ban, platform: DevicePlatform, target: string): void {
  if (!banCoversPlatform(ban, platform)) {
    const { platforms } = ban.scope;
    throw new AppbanError(
      'TARGET_NOT_APPLICABLE',
      `ban ${ban.id} is scoped to ${Array.isArray(platforms) ? platforms.join(', ') : platforms}, not ${platform}; the ${target} target has nothing to enforce`,
    );
  }
}

/** The catalog apps the ban names, directly or through their publisher, in ban order and once each. */
export function targetedApps(context: EnforcementContext): CatalogApp[] {
  const apps = new Map<string, CatalogApp>();
  const add = (id: string) => {
    const app = context.catalog.apps.get(id);
    if (app && !apps.has(id)) apps.set(id, app);
  };
  for (const target of context.ban.targets) {
    if (target.app !== undefined) add(target.app);
    else for (const id of context.catalog.publishers.get(target.publisher)?.apps ?? []) add(id);
  }
  return [...apps.values()];
}

/** Free text on one line: control characters, separators and line breaks become single spaces. */
export function oneLine(value: string): string {
  return value.replace(/[\p{C}\p{Z}\s]+/gu, ' ').trim();
}

/** One exception as an operator reads it: who is excepted, why, on whose approval, until when. */
export function describeException(exception: BanException): string {
  const subjects: string[] = [];
  const { group, devices, holders } = exception.subjects;
  if (group !== undefined) subjects.push(`devices in group ${group}`);
  if (devices && devices.length > 0) subjects.push(`devices ${listSome(devices)}`);
  if (holders && holders.length > 0) subjects.push(`devices held by ${listSome(holders)}`);
  const starts = exception.starts === undefined ? '' : `from ${exception.starts} `;
  return oneLine(
    `Exception ${exception.id} (${exception.reason}; approved by ${exception.approvedBy}; ${starts}until ${exception.expires}): ${subjects.join(', ') || 'no subjects'}.`,
  );
}

/** The `exceptions` lines of a target's output: how this system carves devices out, then each exception. */
export function exceptionLines(ban: Ban, mechanism: string[]): string[] {
  if (ban.exceptions.length === 0) return [...mechanism, 'The ban has no exceptions.'];
  return [...mechanism, ...ban.exceptions.map(describeException)];
}

function listSome(values: string[], shown = 5): string {
  const head = values.slice(0, shown).join(', ');
  return values.length > shown ? `${head} and ${values.length - shown} more` : head;
}

/**
 * Text that XML 1.0 can carry: control characters other than tab, line feed and carriage return,
 * unpaired surrogates and the non-characters U+FFFE/U+FFFF become U+FFFD.
 */
export function xmlSafeText(value: string): string {
  return value.replace(/(?![\t\n\r])[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, '\uFFFD');
}

/**
 * For a target's "nothing to enforce" message: what each app the ban names has on the platform
 * instead of the identifiers the target needs.
 */
export function platformIdentifierGaps(
  context: EnforcementContext,
  platform: DevicePlatform,
  label: string,
): string {
  const gaps = targetedApps(context).map((app) => {
    const found = app.identifiers.filter((identifier) => identifier.platform === platform);
    if (found.length === 0) return `${app.name} has no ${label} identifier`;
    const listed = found.map(
      (identifier) => `${identifier.kind} ${identifier.value} (${identifier.confidence})`,
    );
    return `${app.name} has only ${listed.join(', ')}`;
  });
  return gaps.join('; ') || 'it names no app';
}
