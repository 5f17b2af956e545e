import { expect, it } from 'vitest';
import type { InventorySnapshot } from '../../src/inventory/snapshot.types.js';
import {
  getDevice,
  listDeviceSources,
  listDevices,
  normaliseGroupPath,
  normaliseSerial,
} from '../../src/store/device.repository.js';
import { storeSnapshot } from '../../src/store/snapshot.repository.js';
import { makeSnapshot } from './factories.js';
import { describeEachDialect } from './harness.js';

const IMPORTED = Date.UTC(2023, 5, 1);

describeEachDialect('device identity', ({ store }) => {
  const ingest = (snapshot: InventorySnapshot, importedAt = IMPORTED) =>
    store()
      .db.transaction()
      .execute((trx) => storeSnapshot(trx, snapshot, { importedAt }));

  it('makes one device of two sources that share a serial number', async () => {
    const a = await ingest(
      makeSnapshot({
        source: 'osquery',
        device: { sourceDeviceId: 'osq-1', serial: 'c02xk0abjgh5', name: 'mbp' },
      }),
    );
    const b = await ingest(
      makeSnapshot({
        source: 'jamf',
        observedAt: '2023-04-02T08:00:00Z',
        device: {
          sourceDeviceId: 'jamf-77',
          serial: ' C02XK0ABJGH5 ',
          name: 'MBP of Alice',
          holder: 'alice',
        },
      }),
    );
    expect(a.matchedBy).toBeNull();
    expect(b.matchedBy).toBe('serial');
    expect(b.deviceId).toBe(a.deviceId);
    expect(await listDeviceSources(store().db, a.deviceId)).toEqual([
      { source: 'jamf', sourceDeviceId: 'jamf-77' },
      { source: 'osquery', sourceDeviceId: 'osq-1' },
    ]);
    const device = await getDevice(store().db, a.deviceId);
    expect(device).toMatchObject({ serial: 'C02XK0ABJGH5', name: 'MBP of Alice', holder: 'alice' });
    expect(await listDevices(store().db)).toHaveLength(1);
  });

  it('matches by UDID, then by hardware id, when there is no serial', async () => {
    const mdm = await ingest(
      makeSnapshot({
        source: 'apple-mdm',
        device: { sourceDeviceId: 'udid-src', udid: '00008030-001a2b3c4d5e802e' },
      }),
    );
    const osq = await ingest(
      makeSnapshot({
        source: 'osquery',
        device: { sourceDeviceId: 'osq-x', udid: '00008030-001A2B3C4D5E802E' },
      }),
    );
    expect(osq).toMatchObject({ deviceId: mdm.deviceId, matchedBy: 'udid' });

    const amapi = await ingest(
      makeSnapshot({
        source: 'amapi',
        device: { sourceDeviceId: 'enterprises/e/devices/1', hardwareId: 'imei-3569' },
      }),
    );
    const intune = await ingest(
      makeSnapshot({ source: 'intune', device: { sourceDeviceId: 'guid-1', hardwareId: 'imei-3569' } }),
    );
    expect(intune).toMatchObject({ deviceId: amapi.deviceId, matchedBy: 'hardware-id' });
    expect(amapi.deviceId).not.toBe(mdm.deviceId);
    expect(await listDevices(store().db)).toHaveLength(2);
  });

  it('recognises a source by its own device id when it reports no hardware identifier', async () => {
    const first = await ingest(makeSnapshot({ source: 'csv', device: { sourceDeviceId: 'row-7' } }));
    const second = await ingest(makeSnapshot({ source: 'csv', device: { sourceDeviceId: 'row-7' } }));
    const other = await ingest(makeSnapshot({ source: 'fleet', device: { sourceDeviceId: 'row-7' } }));
    expect(second).toMatchObject({ deviceId: first.deviceId, matchedBy: 'source-id' });
    expect(other.deviceId).not.toBe(first.deviceId);
  });

  it('never merges devices on a placeholder serial', async () => {
    expect(normaliseSerial('0')).toBeNull();
    expect(normaliseSerial('To Be Filled By O.E.M.')).toBeNull();
    const a = await ingest(makeSnapshot({ device: { sourceDeviceId: 'vm-1', serial: 'Not Specified' } }));
    const b = await ingest(makeSnapshot({ device: { sourceDeviceId: 'vm-2', serial: 'Not Specified' } }));
    expect(b.deviceId).not.toBe(a.deviceId);
    expect((await getDevice(store().db, a.deviceId))?.serial).toBeNull();
  });

  it('takes descriptive fields from the newest observation; an older one only fills blanks', async () => {
    const newer = await ingest(
      makeSnapshot({
        observedAt: '2023-05-10T00:00:00Z',
        device: { sourceDeviceId: 'h', serial: 'S1', holder: 'bob', group: 'federal/it', osVersion: '14.1' },
      }),
      IMPORTED,
    );
    // An older export, imported later, with a different holder and a management mode never seen before.
    await ingest(
      makeSnapshot({
        source: 'jamf',
        observedAt: '2023-05-01T00:00:00Z',
        device: {
          sourceDeviceId: 'j',
          serial: 'S1',
          holder: 'carol',
          group: '/federal/finance/',
          managementMode: 'supervised',
          ownership: 'unknown',
        },
      }),
      IMPORTED + 1000,
    );
    const device = await getDevice(store().db, newer.deviceId);
    expect(device).toMatchObject({
      holder: 'bob',
      group: 'federal/it',
      osVersion: '14.1',
      managementMode: 'supervised',
      ownership: 'owned',
      firstSeenAt: Date.UTC(2023, 4, 1),
      lastObservedAt: Date.UTC(2023, 4, 10),
      lastSeenAt: IMPORTED + 1000,
    });
    // A newer observation wins, but `unknown` ownership never erases a known one.
    await ingest(
      makeSnapshot({
        observedAt: '2023-05-20T00:00:00Z',
        device: {
          sourceDeviceId: 'h',
          serial: 'S1',
          holder: 'dave',
          ownership: 'unknown',
          platform: 'unknown',
        },
      }),
    );
    expect(await getDevice(store().db, newer.deviceId)).toMatchObject({
      holder: 'dave',
      ownership: 'owned',
      platform: 'macos',
    });
  });

  it('lists devices by group prefix at segment boundaries, with keyset paging', async () => {
    for (const [i, group] of [
      'federal',
      'federal/finance',
      'federal/finance/it',
      'federalist',
      'regional',
    ].entries()) {
      await ingest(makeSnapshot({ device: { sourceDeviceId: `d${i}`, group } }));
    }
    const federal = await listDevices(store().db, { group: 'federal/' });
    expect(federal.map((d) => d.group)).toEqual(['federal', 'federal/finance', 'federal/finance/it']);
    const page1 = await listDevices(store().db, { limit: 2 });
    const page2 = await listDevices(store().db, { limit: 2, afterId: page1.at(-1)?.id ?? 0 });
    expect([...page1, ...page2].map((d) => d.group)).toEqual([
      'federal',
      'federal/finance',
      'federal/finance/it',
      'federalist',
    ]);
    expect(normaliseGroupPath(' /a// b/ ')).toBe('a/b');
  });

  it('creates one device when several sources report a new one at the same moment', async () => {
    const results = await Promise.all(
      ['osquery', 'jamf', 'intune', 'fleet', 'santa', 'csv'].map((source) =>
        ingest(
          makeSnapshot({ source, apps: [], device: { sourceDeviceId: `${source}-id`, serial: 'RACE-1' } }),
        ),
      ),
    );
    expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
    expect(await listDevices(store().db)).toHaveLength(1);
    expect(await listDeviceSources(store().db, results[0]?.deviceId ?? 0)).toHaveLength(6);
  });
});
