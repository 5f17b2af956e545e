import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { InventorySnapshot } from '../../src/inventory/snapshot.types.js';
import {
  findAppIdentityIds,
  identityKey,
  listAppIdentities,
} from '../../src/store/app-identity.repository.js';
import type { Database } from '../../src/store/schema.js';
import {
  completeImport,
  type FleetPage,
  failImport,
  getImport,
  getSnapshotApps,
  listDeviceSnapshots,
  loadLatestSnapshots,
  loadSnapshotAppIds,
  startImport,
  storeSnapshot,
  storeSnapshots,
} from '../../src/store/snapshot.repository.js';
import { app, makeSnapshot, TIKTOK_IOS } from './factories.js';
import { describeEachDialect } from './harness.js';

const IMPORTED = Date.UTC(2023, 5, 1);
const at = (iso: string) => Date.parse(iso);

async function collect(pages: AsyncIterable<FleetPage>) {
  const out: Array<{
    deviceId: number;
    snapshotId: number | null;
    observedAt: number | null;
    apps: number[];
  }> = [];
  for await (const page of pages) {
    page.devices.forEach((device, i) => {
      const apps = page.appIds.subarray(page.appOffsets[i], page.appOffsets[i + 1]);
      const snapshot = page.snapshots[i] ?? null;
      out.push({
        deviceId: device.id,
        snapshotId: snapshot?.id ?? null,
        observedAt: snapshot?.observedAt ?? null,
        apps: [...apps],
      });
    });
  }
  return out;
}

async function countRows(db: import('kysely').Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describeEachDialect('snapshots', ({ store }) => {
  const ingest = (snapshots: InventorySnapshot[], importedAt = IMPORTED) =>
    store()
      .db.transaction()
      .execute((trx) => storeSnapshots(trx, snapshots, { importedAt }));

  it('round-trips a snapshot and interns each app identity once', async () => {
    const apps = [
      TIKTOK_IOS,
      app('bundle-id', 'com.apple.mobilesafari', 'Safari', '17.0'),
      app('display-name', 'TikTok'),
      // The same identity twice in one inventory is stored once.
      app('bundle-id', 'com.apple.mobilesafari', 'Safari', '17.1'),
    ];
    const [a, b] = await ingest([
      makeSnapshot({ apps, device: { sourceDeviceId: 'one' } }),
      makeSnapshot({ apps: apps.slice(0, 2), device: { sourceDeviceId: 'two' } }),
    ]);
    expect(a?.appCount).toBe(3);
    expect(b?.appCount).toBe(2);
    const identities = await listAppIdentities(store().db);
    expect(identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      'bundle-id:com.apple.mobilesafari',
      'bundle-id:com.zhiliaoapp.musically',
      'display-name:TikTok',
    ]);
    const stored = await getSnapshotApps(store().db, a?.snapshotId ?? 0);
    expect(stored.map(({ kind, value, name, version }) => ({ kind, value, name, version }))).toEqual([
      { kind: 'bundle-id', value: 'com.apple.mobilesafari', name: 'Safari', version: '17.0' },
      { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '33.1.0' },
      { kind: 'display-name', value: 'TikTok', name: null, version: null },
    ]);
    // A later snapshot reuses the interned ids.
    await ingest([makeSnapshot({ apps: [TIKTOK_IOS], device: { sourceDeviceId: 'three' } })]);
    expect(await listAppIdentities(store().db)).toHaveLength(3);
    const ids = await findAppIdentityIds(store().db, [{ kind: TIKTOK_IOS.kind, value: TIKTOK_IOS.value }]);
    const tiktokId = ids.get(identityKey(TIKTOK_IOS.kind, TIKTOK_IOS.value));
    expect(tiktokId).toBeTypeOf('number');
    const appIds = await loadSnapshotAppIds(store().db, [b?.snapshotId ?? 0, a?.snapshotId ?? 0]);
    expect([...(appIds.get(b?.snapshotId ?? 0) ?? [])]).toContain(tiktokId);
    expect([...(a?.appIds ?? [])]).toEqual(stored.map((row) => row.identityId).sort((x, y) => x - y));
    // The packed copy on the snapshot holds exactly the ids of its rows.
    expect([...(appIds.get(a?.snapshotId ?? 0) ?? [])]).toEqual(
      stored.map((row) => row.identityId).sort((x, y) => x - y),
    );
  });

  it('takes the latest observation as of an instant, whatever the import order', async () => {
    const snap = (observedAt: string, value: string) =>
      makeSnapshot({
        observedAt,
        apps: [app('package', value)],
        device: { sourceDeviceId: 'phone', platform: 'android' },
      });
    const march = (await ingest([snap('2023-03-01T00:00:00Z', 'march')]))[0];
    const may = (await ingest([snap('2023-05-01T00:00:00Z', 'may')]))[0];
    // Imported last, observed in between: history gets it in its place, "latest" stays May.
    const april = (await ingest([snap('2023-04-01T00:00:00Z', 'april')], IMPORTED + 1))[0];
    const deviceId = march?.deviceId ?? 0;
    const [names] = [await listAppIdentities(store().db)];
    const nameOf = (id: number) => names.find((n) => n.id === id)?.value;
    const latest = async (iso: string) => {
      const [row] = await collect(loadLatestSnapshots(store().db, { at: at(iso), deviceIds: [deviceId] }));
      return row && { snapshotId: row.snapshotId, apps: row.apps.map(nameOf) };
    };
    expect(await latest('2023-02-01T00:00:00Z')).toEqual({ snapshotId: null, apps: [] });
    expect(await latest('2023-03-15T00:00:00Z')).toEqual({ snapshotId: march?.snapshotId, apps: ['march'] });
    expect(await latest('2023-04-15T00:00:00Z')).toEqual({ snapshotId: april?.snapshotId, apps: ['april'] });
    expect(await latest('2023-06-01T00:00:00Z')).toEqual({ snapshotId: may?.snapshotId, apps: ['may'] });
    // The boundary is inclusive: observed exactly at the instant counts.
    expect(await latest('2023-05-01T00:00:00Z')).toEqual({ snapshotId: may?.snapshotId, apps: ['may'] });
    expect((await listDeviceSnapshots(store().db, deviceId)).map((s) => s.id)).toEqual([
      may?.snapshotId,
      april?.snapshotId,
      march?.snapshotId,
    ]);
  });

  it('can skip partial snapshots to find the last one that proves compliance', async () => {
    const device = { sourceDeviceId: 'mac', serial: 'SER-1' };
    const [full] = await ingest([makeSnapshot({ observedAt: '2023-04-01T00:00:00Z', device })]);
    const [partial] = await ingest([
      makeSnapshot({
        source: 'santa',
        coverage: 'partial',
        observedAt: '2023-04-02T00:00:00Z',
        apps: [TIKTOK_IOS],
        device,
      }),
    ]);
    const when = at('2023-04-03T00:00:00Z');
    const [any] = await collect(loadLatestSnapshots(store().db, { at: when }));
    const [fullOnly] = await collect(loadLatestSnapshots(store().db, { at: when, coverage: 'full' }));
    expect(any?.snapshotId).toBe(partial?.snapshotId);
    expect(fullOnly?.snapshotId).toBe(full?.snapshotId);
  });

  it('streams the fleet in pages of devices, apps packed and sorted', async () => {
    const snapshots = Array.from({ length: 23 }, (_, i) =>
      makeSnapshot({
        device: { sourceDeviceId: `d${i}` },
        apps: Array.from({ length: i % 5 }, (_, j) => app('package', `app.${(i * 7 + j * 3) % 11}`)),
      }),
    );
    await ingest(snapshots);
    const pages: FleetPage[] = [];
    for await (const page of loadLatestSnapshots(store().db, { at: Date.UTC(2030, 0, 1), pageSize: 10 })) {
      pages.push(page);
    }
    expect(pages.map((p) => p.devices.length)).toEqual([10, 10, 3]);
    const rows = await collect(
      (async function* () {
        yield* pages;
      })(),
    );
    expect(rows.map((r) => r.apps.length)).toEqual(
      snapshots.map((s) => new Set(s.apps.map((a) => a.value)).size),
    );
    for (const row of rows) expect(row.apps).toEqual([...row.apps].sort((x, y) => x - y));
    expect(new Set(rows.map((r) => r.deviceId)).size).toBe(23);
  });

  it('leaves nothing behind when the transaction fails', async () => {
    const { db } = store();
    await expect(
      db.transaction().execute(async (trx) => {
        await storeSnapshots(trx, [makeSnapshot({ device: { sourceDeviceId: 'ok', serial: 'X1' } })], {
          importedAt: IMPORTED,
        });
        await storeSnapshot(
          trx,
          makeSnapshot({ observedAt: 'yesterday', device: { sourceDeviceId: 'bad' } }),
          {
            importedAt: IMPORTED,
          },
        );
      }),
    ).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    for (const table of [
      'devices',
      'device_sources',
      'snapshots',
      'snapshot_apps',
      'app_identities',
    ] as const) {
      expect(await countRows(db, table)).toBe(0);
    }
  });

  it('records imports: completed with its count, or failed with nothing stored', async () => {
    const { db } = store();
    const ok = await startImport(db, { file: 'fleet.json', format: 'fleet', startedAt: IMPORTED });
    await db.transaction().execute(async (trx) => {
      const stored = await storeSnapshots(
        trx,
        [makeSnapshot(), makeSnapshot({ device: { sourceDeviceId: 'h2' } })],
        {
          importedAt: IMPORTED,
          importId: ok,
          sourceLabel: 'fleet-eu',
        },
      );
      await completeImport(trx, ok, { snapshotCount: stored.length, finishedAt: IMPORTED + 5 });
    });
    expect(await getImport(db, ok)).toMatchObject({
      status: 'completed',
      snapshotCount: 2,
      finishedAt: IMPORTED + 5,
    });
    const snapshots = await db.selectFrom('snapshots').select(['import_id', 'source_label']).execute();
    expect(snapshots).toEqual([
      { import_id: ok, source_label: 'fleet-eu' },
      { import_id: ok, source_label: 'fleet-eu' },
    ]);

    const bad = await startImport(db, { file: 'broken.json', startedAt: IMPORTED });
    await db
      .transaction()
      .execute(async (trx) => {
        await storeSnapshots(trx, [makeSnapshot({ device: { sourceDeviceId: 'h3' } })], {
          importedAt: IMPORTED,
          importId: bad,
        });
        throw new Error('parser failed half way');
      })
      .catch(() => failImport(db, bad, { error: 'broken.json:3: PARSE_ERROR', finishedAt: IMPORTED + 9 }));
    expect(await getImport(db, bad)).toMatchObject({ status: 'failed', error: 'broken.json:3: PARSE_ERROR' });
    expect(await countRows(db, 'snapshots')).toBe(2);
  });
});
