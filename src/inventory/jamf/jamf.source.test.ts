import { describe, expect, it } from 'vitest';
import {
  COMPUTERS_PAGE,
  MOBILE_DEVICE_DETAIL,
  MOBILE_DEVICES_PAGE,
} from '../../../test/inventory-mdm/jamf-fixtures.js';
import { json, parseAll, parseError } from '../../../test/inventory-mdm/support.js';
import { jamfSource } from './jamf.source.js';

describe('jamf computers-inventory', () => {
  it('reads each computer field by field', async () => {
    const snapshots = await parseAll(jamfSource, json(COMPUTERS_PAGE), 'computers.json', 100);
    expect(snapshots).toEqual([
      {
        source: 'jamf',
        device: {
          sourceDeviceId: 'computer:17',
          name: 'FIN-MBP-0042',
          holder: 'a.janssens',
          serial: 'C02FIN0042XYZ',
          udid: '5E2B1C4D-8F3A-4B6E-9D0C-1A2B3C4D5E6F',
          platform: 'macos',
          osVersion: '14.3.1',
          // Leased: the organisation pays for it.
          ownership: 'paid',
        },
        observedAt: '2024-03-10T09:12:33.123Z',
        apps: [
          { kind: 'bundle-id', value: 'com.lemon.lvoverseas', name: 'CapCut.app', version: '3.6.0' },
          { kind: 'bundle-id', value: 'com.apple.Safari', name: 'Safari.app', version: '17.3.1' },
          { kind: 'display-name', value: 'Legacy Tool.app', name: 'Legacy Tool.app', version: '1.0' },
        ],
        coverage: 'full',
      },
      {
        source: 'jamf',
        device: {
          sourceDeviceId: 'computer:18',
          name: 'FIN-MBA-0043',
          serial: 'C02FIN0043XYZ',
          platform: 'macos',
          ownership: 'owned',
        },
        observedAt: '2024-03-09T16:45:00.000Z',
        apps: [],
        // The applications section was not requested.
        coverage: 'partial',
      },
    ]);
  });
});

describe('jamf mobile devices', () => {
  it('reads the mobile-devices/detail page field by field', async () => {
    const snapshots = await parseAll(jamfSource, json(MOBILE_DEVICES_PAGE), 'mobile.json');
    expect(snapshots).toEqual([
      {
        source: 'jamf',
        device: {
          sourceDeviceId: 'mobile-device:301',
          name: "Benoît's iPhone",
          holder: 'b.dubois',
          serial: 'F2LXJ0TIKTOK',
          udid: '00008110-000A1C2E3F4A801E',
          platform: 'ios',
          osVersion: '17.3.1',
          ownership: 'owned',
          managementMode: 'Institutional',
          group: 'Finance',
        },
        observedAt: '2024-03-10T11:48:56.307Z',
        apps: [
          { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '34.1.0' },
          { kind: 'bundle-id', value: 'com.microsoft.Office.Outlook', name: 'Outlook', version: '4.2408.0' },
        ],
        coverage: 'full',
      },
      {
        source: 'jamf',
        device: {
          sourceDeviceId: 'mobile-device:302',
          name: 'iPhone',
          holder: 'c.martin',
          serial: 'G7PERSONAL01',
          udid: '00008030-001D64322168202E',
          platform: 'ios',
          ownership: 'byod',
          managementMode: 'AccountDrivenUserEnrollment',
          group: 'Finance',
        },
        observedAt: '2024-03-10T12:00:00.000Z',
        apps: [
          { kind: 'bundle-id', value: 'com.microsoft.Office.Outlook', name: 'Outlook', version: '4.2408.0' },
        ],
        // A User Enrollment shows managed apps only.
        coverage: 'partial',
      },
    ]);
  });

  it('reads one mobile device detail record', async () => {
    const [snapshot] = await parseAll(jamfSource, json(MOBILE_DEVICE_DETAIL), 'detail.json');
    expect(snapshot).toEqual({
      source: 'jamf',
      device: {
        sourceDeviceId: 'mobile-device:301',
        name: "Benoît's iPhone",
        holder: 'b.dubois',
        serial: 'F2LXJ0TIKTOK',
        udid: '00008110-000A1C2E3F4A801E',
        platform: 'ios',
        osVersion: '17.3.1',
        ownership: 'owned',
        managementMode: 'institutional',
      },
      observedAt: '2024-03-10T11:48:56.307Z',
      apps: [
        { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '34.1.0' },
        { kind: 'bundle-id', value: 'com.apple.mobilesafari', name: 'Safari', version: '17.3' },
      ],
      coverage: 'full',
    });
  });

  it('reads an array of records of both kinds', async () => {
    const mixed = [COMPUTERS_PAGE.results[0], MOBILE_DEVICE_DETAIL];
    const ids = (await parseAll(jamfSource, json(mixed))).map((snapshot) => snapshot.device.sourceDeviceId);
    expect(ids).toEqual(['computer:17', 'mobile-device:301']);
  });
});

describe('jamf errors', () => {
  it('names the JSON path and never repeats record contents', async () => {
    const broken = { ...MOBILE_DEVICE_DETAIL, ios: { ...MOBILE_DEVICE_DETAIL.ios, applications: 'TikTok' } };
    const error = await parseError(jamfSource, json(broken), 'detail.json');
    expect(error.location).toEqual({ file: 'detail.json', path: '$.ios.applications' });
    expect(error.message).not.toContain('VU5MT0NLVE9LRU4');
  });

  it('reports a truncated page with its path', async () => {
    const text = json(MOBILE_DEVICES_PAGE);
    const error = await parseError(jamfSource, text.slice(0, text.indexOf('"Outlook"')), 'mobile.json');
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location?.path).toMatch(/^\$\.results\[0\]\.applications\[1\]/);
  });

  it('refuses records it cannot identify', async () => {
    const error = await parseError(jamfSource, '{"totalCount":1,"results":[{"foo":"bar"}]}', 'x.json');
    expect(error.location?.path).toBe('$.results[0]');
    expect(error.message).toContain('not a Jamf Pro computer or mobile device record');
    expect((await parseError(jamfSource, '{"results":{}}')).location?.path).toBe('$.results');
    expect((await parseError(jamfSource, json({ general: { name: 'x' } }))).message).toContain(
      '"id" is required',
    );
  });
});

describe('jamf sniffing', () => {
  it('recognises Jamf exports', () => {
    expect(jamfSource.sniff(json(COMPUTERS_PAGE), 'computers.json')).toBe(0.95);
    expect(jamfSource.sniff(json(MOBILE_DEVICES_PAGE), 'mobile.json')).toBe(0.9);
    expect(jamfSource.sniff(json(MOBILE_DEVICE_DETAIL), 'detail.json')).toBe(0.9);
  });

  it('scores other formats zero', () => {
    expect(jamfSource.sniff('{"devices":[{"name":"enterprises/x/devices/y"}]}', 'x.json')).toBe(0);
    expect(jamfSource.sniff('{"value":[{"deviceName":"x"}]}', 'x.json')).toBe(0);
  });
});
