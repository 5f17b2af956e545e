import type { Ban } from '../bans/ban.types.js';
import type { AppIdentifier, DevicePlatform, IdentifierKind } from '../catalog/catalog.types.js';
import type { EnforcementContext } from './target.types.js';

/** Whether the ban's `scope.platforms` covers a device platform. */
export function banCoversPlatform(ban: Ban, platform: DevicePlatform): boolean {
  const { platforms } = ban.scope;
  return platforms === 'all' || platforms.includes(platform);
}

export function platformInScope(context: EnforcementContext, platform: DevicePlatform): boolean {
  return banCoversPlatform(context.ban, platform);
}

/** The enforced values of one identifier kind on one platform, sorted and without repeats. */
export function identifierValues(
  context: EnforcementContext,
  platform: DevicePlatform,
  kind: IdentifierKind,
): string[] {
  if (!platformInScope(context, platform)) return [];
  return sortedUnique(
    context.identifiers
      .filter((identifier) => identifier.platform === platform && identifier.kind === kind)
      .map((identifier) => identifier.value),
  );
}

/**
 * Catalog identifiers of this platform and kind that the ban leaves out because they are
 * unconfirmed and no target opted in; an operator should see what a stricter ban would add.
 */
export function withheldUnconfirmed(
  context: EnforcementContext,
  platform: DevicePlatform,
  kind: IdentifierKind,
): string[] {
  if (!platformInScope(context, platform)) return [];
  const { ban, catalog } = context;
  const enforced = new Set(identifierValues(context, platform, kind));
  const withheld: string[] = [];
  const consider = (
    identifiers: readonly AppIdentifier[],
    targetPlatforms: readonly string[] | undefined,
  ) => {
    for (const identifier of identifiers) {
      if (identifier.platform !== platform || identifier.kind !== kind) continue;
      if (identifier.confidence !== 'unconfirmed' || enforced.has(identifier.value)) continue;
      if (targetPlatforms && !targetPlatforms.includes(platform)) continue;
      withheld.push(identifier.value);
    }
  };
  for (const target of ban.targets) {
    if (target.includeUnconfirmed) continue;
    if (target.app !== undefined) {
      consider(catalog.apps.get(target.app)?.identifiers ?? [], target.platforms);
    } else {
      const publisher = catalog.publishers.get(target.publisher);
      for (const appId of publisher?.apps ?? [])
        consider(catalog.apps.get(appId)?.identifiers ?? [], target.platforms);
      consider(publisher?.identifiers ?? [], target.platforms);
    }
  }
  return sortedUnique(withheld);
}

export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
