import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { findAppIdentityIds, identityKey } from '../../src/store/app-identity.repository.js';
import {
  explainViolatingDevicesSql,
  fleetStateCountsSql,
  fleetStatesQuery,
  violatingDevicesSql,
} from '../../src/store/baseline.query.js';
import { type BulkDevice, bulkInsertAppIdentities, bulkLoadDevices } from '../../src/store/bulk-load.js';
import { listDevices } from '../../src/store/device.repository.js';
import { loadLatestSnapshots, storeSnapshot } from '../../src/store/snapshot.repository.js';
import { app, makeSnapshot } from './factories.js';
import { describeEachDialect, type PerDialect } from './harness.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const GROUPS = [
  'federal',
  'federal/finance',
  'federal/finance/it',
  'federal/ccb/research',
  'regional/x',
  null,
];
const OWNERSHIPS = ['owned', 'paid', 'byod', 'unknown'] as const;
const PLATFORMS = ['ios', 'android', 'macos', 'windows'];

/** A small deterministic pseudo-random sequence, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describeEachDialect('bulk load and the SQL baseline', ({ dialect, store }) => {
  it('loads a synthetic fleet and answers "who has a banned app" like a scan of the latest snapshots', async () => {
    const s = store();
    const identities = Array.from({ length: 400 }, (_, i) => ({ kind: 'package', value: `app.${i}` }));
    const ids = await bulkInsertAppIdentities(s, [
      ...identities,
      { kind: 'package', value: 'com.zhiliaoapp.musically' },
    ]);
    const tiktok = ids.at(-1) ?? -1;
    // Interning again returns the same ids and adds nothing.
    expect(await bulkInsertAppIdentities(s, identities.slice(0, 3))).toEqual(ids.slice(0, 3));

    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
    const apps = (withTiktok: boolean) => {
      const chosen = Array.from({ length: 20 + Math.floor(next() * 40) }, () => pick(ids.slice(0, -1)));
      return withTiktok ? [...chosen, tiktok] : chosen;
    };
    const devices: BulkDevice[] = Array.from({ length: 600 }, (_, i) => ({
      name: `dev-${i}`,
      holder: `holder-${i}@example.gov`,
      group: pick(GROUPS),
      ownership: pick(OWNERSHIPS),
      platform: pick(PLATFORMS),
      serial: `SER${i}`,
      // Two observations, inserted newest first: order of insertion must not decide "latest".
      snapshots: [
        { observedAt: T0 + 10 * DAY, appIdentityIds: apps(next() < 0.2) },
        { observedAt: T0 + (next() < 0.5 ? 2 : 20) * DAY, appIdentityIds: apps(next() < 0.3) },
      ],
    }));
    const progress: number[] = [];
    const result = await bulkLoadDevices(s, devices, {
      importedAt: T0 + 30 * DAY,
      batchSize: 250,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toMatchObject({ devices: 600, snapshots: 1200 });
    expect(progress).toEqual([250, 500, 600]);
    expect(result.lastDeviceId - result.firstDeviceId).toBe(599);

    // The store stays usable by the ordinary paths afterwards (identity sequences moved past bulk ids).
    const normal = await s.db
      .transaction()
      .execute((trx) =>
        storeSnapshot(trx, makeSnapshot({ apps: [app('package', 'brand.new')] }), { importedAt: T0 }),
      );
    expect(normal.deviceId).toBe(result.lastDeviceId + 1);

    const scope = {
      ownership: ['owned', 'paid'],
      groups: { include: ['federal'], exclude: ['federal/ccb'] },
      platforms: ['ios', 'android', 'macos'],
    };
    for (const at of [T0 + 5 * DAY, T0 + 15 * DAY, T0 + 25 * DAY]) {
      const expected: number[] = [];
      const counts = { inScope: 0, violating: 0, compliant: 0, unknown: 0 };
      const freshViolating: number[] = [];
      const byId = new Map((await listDevices(s.db, { limit: 10_000 })).map((d) => [d.id, d]));
      for await (const page of loadLatestSnapshots(s.db, { at, pageSize: 128 })) {
        page.devices.forEach((device, i) => {
          const d = byId.get(device.id);
          const group = d?.group ?? '';
          const inScope =
            d !== undefined &&
            scope.ownership.includes(d.ownership) &&
            scope.platforms.includes(d.platform) &&
            (group === 'federal' || group.startsWith('federal/')) &&
            !group.startsWith('federal/ccb/');
          const apps = page.appIds.subarray(page.appOffsets[i], page.appOffsets[i + 1]);
          if (inScope && apps.includes(tiktok)) expected.push(device.id);
          if (!inScope) return;
          counts.inScope++;
          const snapshot = page.snapshots[i];
          if (!snapshot || snapshot.observedAt < at - 7 * DAY) counts.unknown++;
          else if (apps.includes(tiktok)) {
            counts.violating++;
            freshViolating.push(device.id);
          } else counts.compliant++;
        });
      }
      const actual = await violatingDevicesSql(s.db, { at, scope, identityIds: [tiktok] });
      expect(actual).toEqual(expected);
      expect(actual.length).toBeGreaterThan(0);
      expect(await fleetStateCountsSql(s.db, { at, scope, identityIds: [tiktok] })).toEqual(counts);
      const states = await fleetStatesQuery(s.db, { at, scope, identityIds: [tiktok] }).execute();
      expect(
        states
          .filter((row) => row.state === 'violating')
          .map((row) => row.id)
          .sort((a, b) => a - b),
      ).toEqual(freshViolating);
    }
    const found = await findAppIdentityIds(s.db, [{ kind: 'package', value: 'com.zhiliaoapp.musically' }]);
    expect(found.get(identityKey('package', 'com.zhiliaoapp.musically'))).toBe(tiktok);
    expect(await explainViolatingDevicesSql(s.db, { at: T0, scope, identityIds: [tiktok] })).not.toBe('');
  });

  it('keeps devices without a group when a ban only excludes groups', async () => {
    const s = store();
    const [banned = 0] = await bulkInsertAppIdentities(s, [{ kind: 'package', value: 'banned' }]);
    const base = { holder: null, ownership: 'owned' as const, platform: 'android' };
    const loaded = await bulkLoadDevices(
      s,
      [
        { ...base, name: 'no-group', group: null, snapshots: [{ observedAt: T0, appIdentityIds: [banned] }] },
        {
          ...base,
          name: 'excluded',
          group: 'lab',
          snapshots: [{ observedAt: T0, appIdentityIds: [banned] }],
        },
        { ...base, name: 'clean', group: 'ops', snapshots: [{ observedAt: T0, appIdentityIds: [] }] },
      ],
      { importedAt: T0 },
    );
    const actual = await violatingDevicesSql(s.db, {
      at: T0,
      scope: { ownership: ['owned'], groups: { include: [], exclude: ['lab'] }, platforms: 'all' },
      identityIds: [banned],
    });
    expect(actual).toEqual([loaded.firstDeviceId]);
  });

  it('restores the index and foreign keys it lifts, even when the load fails', async () => {
    const s = store();
    const [known = 0] = await bulkInsertAppIdentities(s, [{ kind: 'package', value: 'known' }]);
    const device = (ids: number[]): BulkDevice => ({
      name: 'd',
      holder: null,
      group: null,
      ownership: 'owned',
      platform: 'ios',
      snapshots: [{ observedAt: T0, appIdentityIds: ids }],
    });
    await expect(
      bulkLoadDevices(s, [device([known]), device([known + 1000])], { importedAt: T0 }),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    const loaded = await bulkLoadDevices(s, [device([known])], { importedAt: T0 });
    const snapshot = await s.db
      .selectFrom('snapshots')
      .select('id')
      .where('device_id', '=', loaded.firstDeviceId)
      .executeTakeFirstOrThrow();
    await expect(
      s.db
        .insertInto('snapshot_apps')
        .values({ snapshot_id: snapshot.id, app_identity_id: known + 1000, name: null, version: null })
        .execute(),
    ).rejects.toThrow();
    await expect(
      s.db
        .insertInto('snapshot_apps')
        .values({ snapshot_id: 999_999, app_identity_id: known, name: null, version: null })
        .execute(),
    ).rejects.toThrow();
    const indexes: PerDialect<() => Promise<string[]>> = {
      sqlite: async () =>
        (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'snapshot_apps'`.execute(s.db)
        ).rows.map((r) => r.name),
      postgres: async () =>
        (
          await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'snapshot_apps'`.execute(
            s.db,
          )
        ).rows.map((r) => r.name),
    };
    expect(await indexes[dialect]()).toContain('snapshot_apps_identity_idx');
  });
});
