import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMPANY_IPHONE,
  DETECTED_APPS_PAGE,
  MANAGED_DEVICES_PAGE,
  ONE_DEVICE_DETECTED_APPS,
  PERSONAL_ANDROID,
} from '../../../test/inventory-mdm/intune-fixtures.js';
import { json, parseAll, parseError } from '../../../test/inventory-mdm/support.js';
import { intuneSource } from './intune.source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'appban-intune-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TIKTOK_ENTRY = {
  kind: 'display-name',
  value: 'TikTok',
  name: 'TikTok',
  version: '34.1.0',
  publisher: 'TikTok Ltd.',
};
const OUTLOOK_ENTRY = {
  kind: 'display-name',
  value: 'Microsoft Outlook',
  name: 'Microsoft Outlook',
  version: '4.2408.0',
};

describe('intune managedDevices with detectedApps', () => {
  it('reads each device field by field', async () => {
    const snapshots = await parseAll(intuneSource, json(MANAGED_DEVICES_PAGE), 'managedDevices.json', 200);
    expect(snapshots).toEqual([
      {
        source: 'intune',
        device: {
          sourceDeviceId: '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b',
          name: 'FIN-IPH-0042',
          holder: 'j.peeters@fed.example.be',
          serial: 'F2LXJ0TIKTOK',
          udid: '00008110-000A1C2E3F4A801E',
          hardwareId: 'c6a49c6d-8c09-4d71-a37d-2f6a9dfbb69b',
          platform: 'ios',
          osVersion: '16.3.1',
          ownership: 'owned',
          managementMode: 'mdm',
          group: 'Finance',
        },
        observedAt: '2023-03-20T08:01:02.000Z',
        apps: [TIKTOK_ENTRY, OUTLOOK_ENTRY],
        coverage: 'full',
      },
      {
        source: 'intune',
        device: {
          sourceDeviceId: '7a2d3c4b-5e6f-4071-9bac-1d2e3f4a5b6c',
          name: 'Galaxy S23',
          holder: 'c.martin@fed.example.be',
          platform: 'android',
          osVersion: '13',
          ownership: 'byod',
          managementMode: 'mdm',
        },
        // lastSyncDateTime is Graph's "never"; the enrollment time stands in.
        observedAt: '2023-02-01T09:00:00.000Z',
        apps: [OUTLOOK_ENTRY],
        // Intune lists unmanaged apps for corporate devices only.
        coverage: 'partial',
      },
      {
        source: 'intune',
        device: {
          sourceDeviceId: '8b3e4d5c-6f70-4182-acbd-2e3f4a5b6c7d',
          name: 'FIN-LT-0007',
          serial: 'PF3XYZ12',
          hardwareId: 'd7b5ad7e-9d1a-4e82-b48e-3e0b7ecc0c70',
          platform: 'windows',
          osVersion: '10.0.22631.3155',
          ownership: 'owned',
          managementMode: 'configurationManagerClientMdm',
        },
        observedAt: '2023-03-19T17:30:00.000Z',
        apps: [],
        coverage: 'partial',
      },
    ]);
  });

  it('reads one managed device', async () => {
    const [snapshot] = await parseAll(intuneSource, json(COMPANY_IPHONE), 'device.json');
    expect(snapshot?.device.sourceDeviceId).toBe(COMPANY_IPHONE.id);
    expect(snapshot?.apps).toEqual([TIKTOK_ENTRY, OUTLOOK_ENTRY]);
  });
});

describe('intune detectedApps', () => {
  it('turns an app-by-app export into partial device snapshots', async () => {
    const snapshots = await parseAll(intuneSource, json(DETECTED_APPS_PAGE), 'detectedApps.json');
    expect(snapshots).toEqual([
      {
        source: 'intune',
        device: {
          sourceDeviceId: COMPANY_IPHONE.id,
          name: 'FIN-IPH-0042',
          holder: 'j.peeters@fed.example.be',
          serial: 'F2LXJ0TIKTOK',
          platform: 'ios',
          ownership: 'owned',
        },
        observedAt: '2023-03-20T08:01:02.000Z',
        apps: [TIKTOK_ENTRY, OUTLOOK_ENTRY],
        coverage: 'partial',
      },
      {
        source: 'intune',
        // The app's beta `platform` stands in for the device's operating system.
        device: { sourceDeviceId: '9c4f5e6d-7081-4293-bdce-3f4a5b6c7d8e', name: 'iPad', platform: 'ios' },
        observedAt: expect.any(String),
        apps: [TIKTOK_ENTRY],
        coverage: 'partial',
      },
    ]);
  });

  it('reads one detectedApp with its devices', async () => {
    const [tiktok] = DETECTED_APPS_PAGE.value;
    const snapshots = await parseAll(intuneSource, json(tiktok), 'tiktok.json');
    expect(snapshots.map((snapshot) => [snapshot.device.sourceDeviceId, snapshot.apps])).toEqual([
      [COMPANY_IPHONE.id, [TIKTOK_ENTRY]],
      ['9c4f5e6d-7081-4293-bdce-3f4a5b6c7d8e', [TIKTOK_ENTRY]],
    ]);
  });

  it("takes the device of a device's own detectedApps page from @odata.context, and the time from the file", async () => {
    const path = join(dir, 'device-apps.json');
    await writeFile(path, json(ONE_DEVICE_DETECTED_APPS));
    const modified = new Date('2023-03-20T09:00:00Z');
    await utimes(path, modified, modified);
    const snapshots = await parseAll(intuneSource, json(ONE_DEVICE_DETECTED_APPS), path);
    expect(snapshots).toEqual([
      {
        source: 'intune',
        device: { sourceDeviceId: COMPANY_IPHONE.id, platform: 'ios' },
        observedAt: '2023-03-20T09:00:00.000Z',
        apps: [TIKTOK_ENTRY, OUTLOOK_ENTRY],
        coverage: 'partial',
      },
    ]);
  });

  it('refuses detectedApps that name no device', async () => {
    const { '@odata.context': _context, ...bare } = ONE_DEVICE_DETECTED_APPS;
    const error = await parseError(intuneSource, json(bare), 'detectedApps.json');
    expect(error.location).toEqual({ file: 'detectedApps.json', path: '$.value[0]' });
    expect(error.message).toContain('$expand=managedDevices');
  });
});

describe('intune errors and sniffing', () => {
  it('names the path of a malformed field and of a truncated page', async () => {
    const broken = { value: [COMPANY_IPHONE, { ...PERSONAL_ANDROID, lastSyncDateTime: 'yesterday' }] };
    const error = await parseError(intuneSource, json(broken), 'devices.json');
    expect(error.location).toEqual({ file: 'devices.json', path: '$.value[1].lastSyncDateTime' });

    const text = json(MANAGED_DEVICES_PAGE);
    const truncated = await parseError(
      intuneSource,
      text.slice(0, text.indexOf('"Galaxy S23"')),
      'devices.json',
    );
    expect(truncated.location?.path).toMatch(/^\$\.value\[1\]/);
    expect((await parseError(intuneSource, '{"value":"x"}')).location?.path).toBe('$.value');
  });

  it('recognises Graph exports and not other inventories', () => {
    expect(intuneSource.sniff(json(MANAGED_DEVICES_PAGE), 'm.json')).toBe(0.95);
    expect(intuneSource.sniff(json(DETECTED_APPS_PAGE), 'd.json')).toBe(0.95);
    expect(intuneSource.sniff(json({ value: [COMPANY_IPHONE] }), 'm.json')).toBe(0.9);
    expect(intuneSource.sniff('{"devices":[{"name":"enterprises/e/devices/d"}]}', 'x.json')).toBe(0);
    expect(intuneSource.sniff('{"totalCount":1,"results":[]}', 'x.json')).toBe(0);
  });
});
