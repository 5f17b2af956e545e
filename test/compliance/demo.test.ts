import { describe, expect, it } from 'vitest';
import { createComplianceService } from '../../src/compliance/compliance.service.js';
import { compileBan } from '../../src/compliance/engine/compile.js';
import { evaluateFleet } from '../../src/compliance/engine/fleet.evaluate.js';
import { loadFleet } from '../../src/compliance/fleet.loader.js';
import { AppUniverse, FAMILIES } from '../../src/demo/apps.js';
import { toBulkDevice, toInventorySnapshots } from '../../src/demo/demo.adapters.js';
import { runDemo } from '../../src/demo/demo.js';
import { FleetGenerator } from '../../src/demo/fleet.generator.js';
import { violatingDevicesSql } from '../../src/store/baseline.query.js';
import { bulkInsertAppIdentities, bulkLoadDevices } from '../../src/store/bulk-load.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';
import { catalog, ms } from './fixtures.js';

const universe = new AppUniverse(20_000, catalog);
const shape = {
  seed: 7,
  devices: 3000,
  from: ms('2023-01-01'),
  to: ms('2023-06-30'),
  banStart: ms('2023-03-10'),
};

describe('FleetGenerator', () => {
  it('is deterministic for a seed, and each device is independent of the others', () => {
    const a = new FleetGenerator(universe, shape);
    const b = new FleetGenerator(universe, { ...shape, devices: 10 });
    const first = [...a.devices()].slice(0, 10);
    expect([...b.devices()]).toEqual(first);
    expect(a.device(5)).toEqual(first[5]);
    expect(new FleetGenerator(universe, { ...shape, seed: 8 }).device(5)).not.toEqual(first[5]);
  });

  it('has the shape of a government fleet', () => {
    const devices = [...new FleetGenerator(universe, shape).devices()];
    const latest = devices.map((d) => d.snapshots.at(-1)?.apps ?? new Uint32Array());
    const counts = latest.map((apps) => apps.length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...counts)).toBeLessThanOrEqual(152);
    const distinct = new Set(latest.flatMap((apps) => Array.from(apps)));
    expect(distinct.size).toBeGreaterThan(10_000);
    // Long tail: the most popular app is on most devices, most apps on very few.
    const popularity = new Map<number, number>();
    for (const apps of latest) for (const id of apps) popularity.set(id, (popularity.get(id) ?? 0) + 1);
    const sorted = [...popularity.values()].sort((x, y) => y - x);
    expect(sorted[0]).toBeGreaterThan(devices.length * 0.15);
    expect(sorted.filter((n) => n <= 2).length).toBeGreaterThan(sorted.length / 2);
    const withTiktok = devices.filter((d) => d.story.banned.some((b) => b.app === 'tiktok')).length;
    expect(withTiktok / devices.length).toBeGreaterThan(0.002);
    expect(withTiktok / devices.length).toBeLessThan(0.02);
    expect(devices.filter((d) => d.group.startsWith('federal/')).length / devices.length).toBeGreaterThan(
      0.8,
    );
    expect(new Set(devices.map((d) => d.ownership))).toEqual(new Set(['owned', 'paid', 'byod', 'unknown']));
    // Weekly inventories for months, never more than seven days apart.
    const reporting = devices.find(
      (d) => d.story.enrolledAt < ms('2023-01-08') && d.story.lastReportAt === shape.to,
    );
    expect(reporting?.snapshots.length).toBeGreaterThan(25);
    for (const d of devices) {
      for (let k = 1; k < d.snapshots.length; k++) {
        const gap = (d.snapshots[k]?.observedAt ?? 0) - (d.snapshots[k - 1]?.observedAt ?? 0);
        expect(gap).toBeLessThanOrEqual(7 * 86_400_000);
      }
    }
  });

  it("plants the catalog identifiers of banned apps in each platform's own form", () => {
    const devices = [...new FleetGenerator(universe, shape).devices()];
    const tiktok = devices.filter((d) =>
      d.story.banned.some((b) => b.app === 'tiktok' && b.from === -Infinity),
    );
    const seen = new Set<string>();
    for (const device of tiktok) {
      const [first] = toInventorySnapshots(device, universe);
      const planted = first?.apps.find((a) => a.name === 'TikTok');
      seen.add(`${device.platform}:${planted?.kind}:${planted?.value}`);
    }
    expect(seen).toContain('android:package:com.zhiliaoapp.musically');
    expect(seen).toContain('ios:bundle-id:com.zhiliaoapp.musically');
    expect(
      [...seen].some(
        (s) => s.startsWith('windows:display-name:TikTok') || s.startsWith('windows:package-family-name'),
      ),
    ).toBe(true);
    expect(FAMILIES).toHaveLength(5);
  });
});

describeEachDialect(
  'the engine and the SQL baseline',
  ({ store }) => {
    it('find the same violating devices in a generated fleet', async () => {
      const s = store();
      const generator = new FleetGenerator(universe, { ...shape, devices: 1500, mode: 'latest' });
      const devices = [...generator.devices()];
      const storeIds = await bulkInsertAppIdentities(
        s,
        [...universe.identities()].map(({ kind, value }) => ({ kind, value })),
      );
      await bulkLoadDevices(
        s,
        devices.map((d) => toBulkDevice(d, storeIds)),
        { importedAt: shape.to },
      );
      const { fleet, identityMap } = await loadFleet(s.db, { at: shape.to });
      expect(fleet.size).toBe(1500);
      const ban = compileBan(
        makeBan({
          targets: [{ publisher: 'bytedance', includeUnconfirmed: false }],
          scope: {
            ownership: ['owned', 'paid'],
            groups: { include: ['federal'], exclude: ['federal/ccb'] },
            platforms: 'all',
          },
        }),
        1,
        catalog,
        fleet.apps,
      );
      const result = evaluateFleet(fleet, ban, shape.to, { stalenessMs: Infinity });
      const engine = result.violators.map((i) => fleet.key[i] as number).sort((a, b) => a - b);
      const banned: number[] = [];
      identityMap.forEach((engineId, storeId) => {
        if (engineId >= 0 && engineId < ban.banned.length && ban.banned[engineId] !== 0) banned.push(storeId);
      });
      const sql = await violatingDevicesSql(s.db, {
        at: shape.to,
        scope: makeBanScope(),
        identityIds: banned,
      });
      expect(engine.length).toBeGreaterThan(3);
      expect(engine).toEqual(sql);
    });

    it('runs the demo: bans, a fleet with history, exceptions, and a report', async () => {
      const s = store();
      const now = ms('2023-06-30T12:00:00Z');
      const service = createComplianceService({ db: s.db, catalog, now: () => now });
      const bans = [
        makeBan({ removal: { deadline: 'P30D' } }),
        makeBan({
          id: 'everyone',
          title: 'All devices',
          scope: {
            ownership: ['owned', 'paid', 'byod'],
            groups: { include: [], exclude: [] },
            platforms: 'all',
          },
        }),
      ];
      const summary = await runDemo(s, service, catalog, {
        bans,
        devices: 400,
        months: 1,
        distinctApps: 5000,
        now,
        seed: 3,
      });
      expect(summary).toMatchObject({ devices: 400, bans: ['be-federal-tiktok-2023', 'everyone'] });
      expect(summary.snapshots).toBeGreaterThan(400 * 4);
      expect(summary.historyChanges).toBeGreaterThan(800);
      const [be, everyone] = summary.report.bans;
      expect(be?.counts.inScope).toBeGreaterThan(200);
      expect(everyone?.counts.inScope).toBeGreaterThan(be?.counts.inScope ?? 0);
      expect(be?.groups.find((g) => g.group === 'federal/ccb/research')?.counts.excepted ?? 0).toBe(
        be?.groups.find((g) => g.group === 'federal/ccb/research')?.counts.inScope ?? 0,
      );
      expect(summary.exceptions).toContain('demo-ccb-research-everyone');
      // The report for a past day reads the same history.
      const earlier = await service.report({ at: now - 14 * 86_400_000 });
      expect(earlier.bans).toHaveLength(2);
    });
  },
  { fresh: 'test' },
);

function makeBanScope() {
  return {
    ownership: ['owned', 'paid'],
    groups: { include: ['federal'], exclude: ['federal/ccb'] },
    platforms: 'all' as const,
  };
}
