import type { Catalog, IdentifierKind } from '../catalog/catalog.types.js';

/**
 * The app identities of a synthetic fleet: `size` made-up apps, each known by one identity per
 * inventory family, plus the catalog's identities for the banned apps the demo plants (TikTok,
 * CapCut, Lemon8, Douyin). Made-up apps have made-up names; only banned apps use real identifiers,
 * taken from the catalog.
 */

/** How an inventory names apps on a platform: Android and ChromeOS packages, Apple bundle ids, … */
export const FAMILIES = [
  'package',
  'bundle-id',
  'package-family-name',
  'deb-package',
  'display-name',
] as const;
export type Family = (typeof FAMILIES)[number];

export const PLANTED_APPS = ['tiktok', 'capcut', 'lemon8', 'douyin'] as const;
export type PlantedApp = (typeof PLANTED_APPS)[number];

export interface Identity {
  kind: string;
  value: string;
  name: string;
}

const ADJECTIVES = [
  'Blue',
  'Swift',
  'Quiet',
  'Bright',
  'Civic',
  'Polar',
  'Amber',
  'Open',
  'Solid',
  'Clear',
  'Rapid',
  'North',
  'Silver',
  'Green',
  'Prime',
  'Lucid',
  'Nimble',
  'Steady',
  'Urban',
  'Vivid',
  'Wise',
  'Zen',
  'Bold',
  'Calm',
  'Deep',
  'Early',
  'Fair',
  'Grand',
  'Happy',
  'Ideal',
  'Jolly',
  'Keen',
];
const NOUNS = [
  'Notes',
  'Mail',
  'Maps',
  'Chat',
  'Scan',
  'Sheets',
  'Vault',
  'Pass',
  'Meet',
  'News',
  'Docs',
  'Cloud',
  'Radar',
  'Forms',
  'Pay',
  'Track',
  'Weather',
  'Reader',
  'Photos',
  'Tasks',
  'Calendar',
  'Drive',
  'Shield',
  'Translate',
  'Transit',
  'Fit',
  'Voice',
  'Books',
  'Budget',
  'Sign',
  'Remote',
  'Board',
];
const VENDORS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'vandelay',
  'stark',
  'wayne',
  'tyrell',
  'cyberdyne',
];

function syntheticName(rank: number): string {
  const base = `${ADJECTIVES[rank % ADJECTIVES.length]} ${NOUNS[Math.floor(rank / ADJECTIVES.length) % NOUNS.length]}`;
  const round = Math.floor(rank / (ADJECTIVES.length * NOUNS.length));
  return round === 0 ? base : `${base} ${round + 1}`;
}

function syntheticIdentity(rank: number, family: Family): Identity {
  const name = syntheticName(rank);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const vendor = VENDORS[rank % VENDORS.length] ?? 'acme';
  switch (family) {
    case 'package':
      return { kind: 'package', value: `com.${vendor}.${slug}`, name };
    case 'bundle-id':
      return { kind: 'bundle-id', value: `com.${vendor}.ios.${slug}`, name };
    case 'package-family-name':
      return { kind: 'package-family-name', value: `${vendor}.${slug}_${(rank * 2654435761) % 1e9}`, name };
    case 'deb-package':
      return { kind: 'deb-package', value: `${vendor}-${slug}`, name };
    case 'display-name':
      return { kind: 'display-name', value: name, name };
  }
}

const PLANTED_KIND: Record<Family, IdentifierKind | undefined> = {
  package: 'package',
  'bundle-id': 'bundle-id',
  'package-family-name': 'package-family-name',
  'deb-package': undefined,
  'display-name': 'display-name',
};

export class AppUniverse {
  /** Id of a planted app's identity per family; -1 where the catalog has none. */
  private readonly planted = new Map<PlantedApp, Int32Array>();
  private readonly plantedIdentities: Identity[] = [];

  constructor(
    readonly size: number,
    catalog: Catalog,
  ) {
    for (const appId of PLANTED_APPS) {
      const app = catalog.apps.get(appId);
      const ids = new Int32Array(FAMILIES.length).fill(-1);
      FAMILIES.forEach((family, f) => {
        const kind = PLANTED_KIND[family];
        const platformPreference =
          family === 'bundle-id' ? 'ios' : family === 'package' ? 'android' : undefined;
        const identifier =
          app?.identifiers.find(
            (i) =>
              i.kind === kind &&
              i.confidence !== 'unconfirmed' &&
              (!platformPreference || i.platform === platformPreference),
          ) ?? app?.identifiers.find((i) => i.kind === kind && i.confidence !== 'unconfirmed');
        if (!identifier || !app) return;
        ids[f] = size * FAMILIES.length + this.plantedIdentities.length;
        this.plantedIdentities.push({ kind: identifier.kind, value: identifier.value, name: app.name });
      });
      this.planted.set(appId, ids);
    }
  }

  get identityCount(): number {
    return this.size * FAMILIES.length + this.plantedIdentities.length;
  }

  /** The identity with this id: made-up apps first (rank × family), then the planted ones. */
  identity(id: number): Identity {
    const synthetic = this.size * FAMILIES.length;
    if (id < synthetic)
      return syntheticIdentity(Math.floor(id / FAMILIES.length), FAMILIES[id % FAMILIES.length] as Family);
    const planted = this.plantedIdentities[id - synthetic];
    if (!planted) throw new RangeError(`no identity ${id}`);
    return planted;
  }

  syntheticId(rank: number, family: number): number {
    return rank * FAMILIES.length + family;
  }

  /** The planted app's identity in this family, or -1 when the catalog names it no other way. */
  plantedId(app: PlantedApp, family: number): number {
    return this.planted.get(app)?.[family] ?? -1;
  }

  *identities(): Generator<Identity> {
    for (let id = 0; id < this.identityCount; id++) yield this.identity(id);
  }
}
