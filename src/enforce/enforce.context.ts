import { bannedDomains, bannedIdentifiers } from '../bans/ban.resolve.js';
import { shortRevision } from '../bans/ban.revision.js';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import type { EnforcementContext } from './target.types.js';

export function enforcementContext(ban: Ban, catalog: Catalog): EnforcementContext {
  return {
    ban,
    revision: shortRevision(ban),
    catalog,
    identifiers: bannedIdentifiers(ban, catalog),
    domains: ban.network ? bannedDomains(ban, catalog) : [],
  };
}
