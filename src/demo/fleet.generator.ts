import type { Ownership } from '../bans/ban.types.js';
import type { DevicePlatform } from '../catalog/catalog.types.js';
import { DAY_MS } from '../lib/dates.js';
import { type AppUniverse, FAMILIES, type Family, type PlantedApp } from './apps.js';
import { Random, ZipfSampler } from './random.js';

/**
 * A synthetic fleet of realistic shape, the same for the same seed: a federal government's
 * phones and computers (groups such as `federal/finance/it`, mostly owned, some paid for, some
 * personal devices enrolled), 60–150 apps each drawn from a long-tailed (Zipf) popularity over
 * tens of thousands of apps, a few devices in a thousand with TikTok (some CapCut, Lemon8 and
 * Douyin), and months of weekly inventories in which most TikTok holders remove it after the ban
 * starts, some late, some never; some devices stop reporting; some enrol later.
 */

export interface FleetShape {
  seed?: number;
  devices: number;
  /** The history window (epoch ms). */
  from: number;
  to: number;
  /** Days between a device's inventories (default 7). */
  cadenceDays?: number;
  /** `history`: every inventory in the window; `latest`: only each device's newest one. */
  mode?: 'history' | 'latest';
  /** When the ban started: TikTok holders begin removing it then. */
  banStart: number;
}

export type DemoSource = 'jamf' | 'android-management' | 'osquery' | 'intune';

export interface DemoSnapshot {
  observedAt: number;
  coverage: 'full' | 'partial';
  /** Ids in the universe (see AppUniverse.identity). */
  apps: Uint32Array;
}

export interface DemoDevice {
  index: number;
  name: string;
  holder: string;
  serial: string;
  group: string;
  ownership: Ownership;
  platform: DevicePlatform;
  source: DemoSource;
  snapshots: DemoSnapshot[];
  /** What was planted, for tests and the demo's summary. */
  story: {
    enrolledAt: number;
    /** Inventories stop after this instant (the device went quiet). */
    lastReportAt: number;
    banned: Array<{ app: PlantedApp; from: number; until: number }>;
  };
}

const PLATFORMS: readonly (readonly [DevicePlatform, number])[] = [
  ['ios', 40],
  ['android', 22],
  ['windows', 25],
  ['macos', 8],
  ['linux', 3],
  ['chromeos', 2],
];
const OWNERSHIP: readonly (readonly [Ownership, number])[] = [
  ['owned', 72],
  ['paid', 12],
  ['byod', 13],
  ['unknown', 3],
];
/** Group, weight, and the short code device names start with. */
const GROUPS: readonly (readonly [string, number, string])[] = [
  ['federal/finance/it', 6, 'FIN-IT'],
  ['federal/finance/tax', 14, 'FIN-TAX'],
  ['federal/finance/customs', 8, 'FIN-CUS'],
  ['federal/justice/courts', 9, 'JUS-CRT'],
  ['federal/justice/prisons', 6, 'JUS-PRI'],
  ['federal/interior/police', 12, 'INT-POL'],
  ['federal/interior/immigration', 5, 'INT-IMM'],
  ['federal/health/public-health', 6, 'HEA'],
  ['federal/foreign-affairs/embassies', 5, 'FOR-EMB'],
  ['federal/defence/staff', 7, 'DEF'],
  ['federal/chancellery', 2, 'CHA'],
  ['federal/mobility', 4, 'MOB'],
  ['federal/economy/statistics', 3, 'ECO'],
  ['federal/ccb/operations', 1, 'CCB-OPS'],
  ['federal/ccb/research', 0.5, 'CCB-RES'],
  ['contractors/it-services', 4, 'CTR'],
  ['regional/brussels/admin', 3, 'REG'],
];
const FIRST = [
  'An',
  'Bram',
  'Chloé',
  'Dries',
  'Elif',
  'Femke',
  'Gilles',
  'Hanne',
  'Ilias',
  'Jana',
  'Karim',
  'Lotte',
];
const LAST = [
  'Peeters',
  'Janssens',
  'Maes',
  'Dubois',
  'Lambert',
  'Claes',
  'Goossens',
  'Wouters',
  'Mertens',
  'Dupont',
];
const PLATFORM_CODE: Record<DevicePlatform, string> = {
  ios: 'IPH',
  android: 'AND',
  windows: 'WIN',
  macos: 'MAC',
  linux: 'LNX',
  chromeos: 'CRB',
};

function sourceFor(platform: DevicePlatform, random: Random): { source: DemoSource; family: Family } {
  switch (platform) {
    case 'ios':
    case 'macos':
      return { source: 'jamf', family: 'bundle-id' };
    case 'android':
    case 'chromeos':
      return { source: 'android-management', family: 'package' };
    case 'windows':
      // Intune's detected apps carry display names only: those devices match by name.
      return random.chance(0.3)
        ? { source: 'intune', family: 'display-name' }
        : { source: 'osquery', family: 'package-family-name' };
    case 'linux':
      return { source: 'osquery', family: 'deb-package' };
  }
}

/** Rates per device, chosen to give "a few in a thousand" with TikTok. */
const PLANT_RATES: readonly (readonly [PlantedApp, number])[] = [
  ['tiktok', 0.006],
  ['capcut', 0.003],
  ['lemon8', 0.0005],
  ['douyin', 0.0002],
];

export class FleetGenerator {
  private readonly zipf: ZipfSampler;
  private readonly stamp: Uint32Array;
  private draws = 0;

  constructor(
    readonly universe: AppUniverse,
    readonly shape: FleetShape,
  ) {
    this.zipf = new ZipfSampler(universe.size, 1.0);
    this.stamp = new Uint32Array(universe.size);
  }

  *devices(): Generator<DemoDevice> {
    for (let index = 0; index < this.shape.devices; index++) yield this.device(index);
  }

  /** Device number `index`, independent of the others: its own random stream. */
  device(index: number): DemoDevice {
    const { from, to } = this.shape;
    const random = new Random(this.shape.seed ?? 1, index + 1);
    const platform = random.weighted(PLATFORMS);
    const { source, family } = sourceFor(platform, random);
    const familyIndex = FAMILIES.indexOf(family);
    const [group, , code] = GROUPS[pickGroup(random)] as (typeof GROUPS)[number];
    const ownership: Ownership = group.startsWith('contractors/') ? 'paid' : random.weighted(OWNERSHIP);
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const holder = `${first
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${last.toLowerCase()}${index}@gov.example`;
    const serial = Math.floor(random.next() * 36 ** 6)
      .toString(36)
      .toUpperCase()
      .padStart(6, '0')
      .concat(index.toString(36).toUpperCase().padStart(5, '0'));
    const name = `${code}-${PLATFORM_CODE[platform]}-${String(index).padStart(6, '0')}`;

    const apps = this.drawApps(random, familyIndex);
    const enrolledAt = random.chance(0.88)
      ? from + random.int(0, 6 * 24) * 3_600_000
      : from + Math.floor(random.next() * (to - from));
    const lastReportAt = random.chance(0.04) ? to - random.int(10, 60) * DAY_MS : to;

    const banned: DemoDevice['story']['banned'] = [];
    const removalBase = Math.max(this.shape.banStart, enrolledAt);
    for (const [app, rate] of PLANT_RATES) {
      if (this.universe.plantedId(app, familyIndex) < 0) continue;
      if (random.chance(rate)) {
        const fate = random.next();
        const until =
          fate < 0.55
            ? removalBase + random.int(1, 25) * DAY_MS
            : fate < 0.75
              ? removalBase + random.int(35, 90) * DAY_MS
              : Infinity;
        banned.push({ app, from: -Infinity, until });
      } else if (app === 'tiktok' && random.chance(0.0015)) {
        const installed = from + Math.floor(random.next() * (to - from));
        banned.push({
          app,
          from: installed,
          until: random.chance(0.5) ? installed + random.int(5, 30) * DAY_MS : Infinity,
        });
      }
    }

    // A device enrolled in the last month often still has TikTok: its removal period has only begun,
    // so the demo shows violations within their deadline, not only overdue ones.
    if (
      enrolledAt > to - 30 * DAY_MS &&
      this.universe.plantedId('tiktok', familyIndex) >= 0 &&
      !banned.some((b) => b.app === 'tiktok') &&
      random.chance(0.08)
    ) {
      banned.push({ app: 'tiktok', from: -Infinity, until: removalBase + random.int(10, 60) * DAY_MS });
    }

    // Inventories come up to a day early, never late: gaps stay within a weekly staleness window.
    const cadence = (this.shape.cadenceDays ?? 7) * DAY_MS;
    const end = Math.min(lastReportAt, to);
    const times: number[] = [];
    for (let t = enrolledAt; t <= end; t += cadence - random.int(0, 24) * 3_600_000) times.push(t);
    if (times.length === 0) times.push(Math.min(end, enrolledAt));
    // A device still reporting has checked in within the last three days.
    if (lastReportAt >= to && (times.at(-1) as number) < to - 3 * DAY_MS)
      times.push(to - random.int(0, 72) * 3_600_000);
    const wanted = this.shape.mode === 'latest' ? times.slice(-1) : times;
    const snapshots = wanted.map((observedAt) => {
      const present = banned.filter((b) => observedAt >= b.from && observedAt < b.until);
      if (present.length === 0) return { observedAt, coverage: 'full' as const, apps };
      const withBanned = new Uint32Array(apps.length + present.length);
      withBanned.set(apps);
      present.forEach((b, k) => {
        withBanned[apps.length + k] = this.universe.plantedId(b.app, familyIndex);
      });
      return { observedAt, coverage: 'full' as const, apps: withBanned };
    });
    return {
      index,
      name,
      holder,
      serial,
      group,
      ownership,
      platform,
      source,
      snapshots,
      story: { enrolledAt, lastReportAt: end, banned },
    };
  }

  /** 60–150 distinct apps by popularity, as identities of the device's inventory family. */
  private drawApps(random: Random, family: number): Uint32Array {
    const count = random.int(60, 150);
    const out = new Uint32Array(count);
    // A fresh mark per draw, so the shared stamp array never needs clearing.
    const mark = ++this.draws;
    let n = 0;
    while (n < count) {
      const rank = this.zipf.sample(random);
      if (this.stamp[rank] === mark) continue;
      this.stamp[rank] = mark;
      out[n++] = this.universe.syntheticId(rank, family);
    }
    return out;
  }
}

function pickGroup(random: Random): number {
  let total = 0;
  for (const [, weight] of GROUPS) total += weight;
  let u = random.next() * total;
  for (let i = 0; i < GROUPS.length; i++) {
    u -= (GROUPS[i] as (typeof GROUPS)[number])[1];
    if (u < 0) return i;
  }
  return GROUPS.length - 1;
}
