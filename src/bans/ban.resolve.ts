import type { AppIdentifier, Catalog, IdentifierPlatform } from '../catalog/catalog.types.js';
import type { Ban } from './ban.types.js';

/** One identifier a ban covers, with the catalog app (or publisher) it came from. */
export interface BannedIdentifier extends AppIdentifier {
  appId: string;
  appName: string;
  publisher: string;
}

/**
 * Every identifier a ban targets, in catalog order and without repeats. Unconfirmed identifiers
 * come along only for targets that opt in; a target's `platforms` narrows it (web domains and
 * display names always stay: they are not tied to one device platform).
 */
export function bannedIdentifiers(ban: Ban, catalog: Catalog): BannedIdentifier[] {
  const seen = new Set<string>();
  const out: BannedIdentifier[] = [];
  const add = (identifier: AppIdentifier, appId: string, appName: string, publisher: string) => {
    const key = `${identifier.platform}\u0000${identifier.kind}\u0000${identifier.value.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...identifier, appId, appName, publisher });
  };
  for (const target of ban.targets) {
    const keep = (identifier: AppIdentifier) =>
      (target.includeUnconfirmed || identifier.confidence !== 'unconfirmed') &&
      platformAllowed(identifier.platform, target.platforms);
    if (target.app !== undefined) {
      const app = catalog.apps.get(target.app);
      if (!app) continue;
      for (const identifier of app.identifiers.filter(keep)) add(identifier, app.id, app.name, app.publisher);
    } else {
      const publisher = catalog.publishers.get(target.publisher);
      if (!publisher) continue;
      for (const appId of publisher.apps) {
        const app = catalog.apps.get(appId);
        if (!app) continue;
        for (const identifier of app.identifiers.filter(keep))
          add(identifier, app.id, app.name, app.publisher);
      }
      for (const identifier of publisher.identifiers.filter(keep)) {
        add(identifier, publisher.id, publisher.name, publisher.id);
      }
    }
  }
  return out;
}

function platformAllowed(platform: IdentifierPlatform, allowed: readonly string[] | undefined): boolean {
  if (!allowed || platform === 'web' || platform === 'any') return true;
  return allowed.includes(platform);
}

/** The web domains a ban blocks when `network: true`, sorted and without repeats. */
export function bannedDomains(ban: Ban, catalog: Catalog): string[] {
  return [
    ...new Set(
      bannedIdentifiers(ban, catalog)
        .filter((identifier) => identifier.kind === 'domain')
        .map((identifier) => identifier.value.toLowerCase()),
    ),
  ].sort();
}
