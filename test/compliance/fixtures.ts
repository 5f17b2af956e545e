import type { Ban } from '../../src/bans/ban.types.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { compileBan } from '../../src/compliance/engine/compile.js';
import type { DeviceEvidence, DeviceFacts } from '../../src/compliance/engine/evaluate.js';
import { appKey, Interner } from '../../src/compliance/engine/interner.js';
import type { Observation } from '../../src/compliance/engine/timeline.js';
import { makeBan } from '../support/bans.js';

export const catalog = loadCatalog();
export const TIKTOK_ANDROID = ['package', 'com.zhiliaoapp.musically'] as const;
export const TIKTOK_NAME = ['display-name', 'TikTok'] as const;
export const CAPCUT_ANDROID = ['package', 'com.lemon.lvoverseas'] as const;
export const SIGNAL = ['package', 'org.thoughtcrime.securesms'] as const;

export const ms = (iso: string): number => {
  const value = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(value)) throw new Error(`bad test instant ${iso}`);
  return value;
};

export function setup(overrides: Partial<Ban> = {}, revision = 1) {
  const apps = new Interner();
  const ban = compileBan(makeBan(overrides), revision, catalog, apps);
  const id = (app: readonly [string, string]) => apps.intern(appKey(app[0], app[1]));
  return { apps, ban, id };
}

export function device(
  facts: Partial<DeviceFacts>,
  observedAt: number,
  apps: number[],
  extra: Partial<DeviceEvidence> = {},
): DeviceEvidence {
  return {
    tokens: ['1'],
    facts: { ownership: 'owned', platform: 'android', group: 'federal/finance', ...facts },
    observedAt,
    fullAt: observedAt,
    apps,
    snapshotId: 1,
    ...extra,
  };
}

let nextSnapshot = 1;
export function observation(
  at: string,
  apps: number[],
  facts: Partial<DeviceFacts> = {},
  coverage: 'full' | 'partial' = 'full',
): Observation {
  return {
    snapshotId: nextSnapshot++,
    observedAt: ms(at),
    coverage,
    facts: { ownership: 'owned', platform: 'android', group: 'federal/finance', ...facts },
    apps,
  };
}
