import { describe, expect, it } from 'vitest';
import {
  COMPANY_PHONE,
  DEVICES_PAGE,
  PERSONAL_WORK_PROFILE,
} from '../../../test/inventory-mdm/amapi-fixtures.js';
import { conformanceProblems, enumValues, hasField } from '../../../test/inventory-mdm/discovery.js';
import { json, parseAll, parseError } from '../../../test/inventory-mdm/support.js';
import { samplesAvailable } from '../../../test/support/samples.js';
import { amapiSource } from './amapi.source.js';

describe.skipIf(!samplesAvailable)(
  'amapi fixtures against the androidmanagement v1 discovery document',
  () => {
    it('fixtures conform to the Device and ListDevicesResponse schemas', () => {
      expect(conformanceProblems(COMPANY_PHONE, 'Device')).toEqual([]);
      expect(conformanceProblems(PERSONAL_WORK_PROFILE, 'Device')).toEqual([]);
      expect(conformanceProblems(DEVICES_PAGE, 'ListDevicesResponse')).toEqual([]);
    });

    it('every field the reader uses exists in the discovery document', () => {
      const read: [string, string][] = [
        ['Device', 'name'],
        ['Device', 'managementMode'],
        ['Device', 'ownership'],
        ['Device', 'user'],
        ['Device', 'userName'],
        ['Device', 'hardwareInfo'],
        ['Device', 'softwareInfo'],
        ['Device', 'applicationReports'],
        ['Device', 'nonComplianceDetails'],
        ['Device', 'lastStatusReportTime'],
        ['Device', 'lastPolicyComplianceReportTime'],
        ['Device', 'lastPolicySyncTime'],
        ['Device', 'enrollmentTime'],
        ['User', 'accountIdentifier'],
        ['HardwareInfo', 'manufacturer'],
        ['HardwareInfo', 'model'],
        ['HardwareInfo', 'serialNumber'],
        ['HardwareInfo', 'enterpriseSpecificId'],
        ['SoftwareInfo', 'androidVersion'],
        ['ApplicationReport', 'packageName'],
        ['ApplicationReport', 'displayName'],
        ['ApplicationReport', 'versionName'],
        ['ApplicationReport', 'state'],
        ['NonComplianceDetail', 'packageName'],
        ['NonComplianceDetail', 'nonComplianceReason'],
        ['ListDevicesResponse', 'devices'],
        ['ListDevicesResponse', 'nextPageToken'],
      ];
      expect(read.filter(([schema, field]) => !hasField(schema, field))).toEqual([]);
      expect(enumValues('Device', 'ownership')).toEqual(
        expect.arrayContaining(['COMPANY_OWNED', 'PERSONALLY_OWNED']),
      );
      expect(enumValues('Device', 'managementMode')).toEqual(
        expect.arrayContaining(['DEVICE_OWNER', 'PROFILE_OWNER']),
      );
      expect(enumValues('ApplicationReport', 'state')).toContain('REMOVED');
      expect(enumValues('NonComplianceDetail', 'nonComplianceReason')).toContain('APP_INSTALLED');
    });
  },
);

describe('amapi devices', () => {
  it('reads a fully managed company phone field by field', async () => {
    const snapshots = await parseAll(amapiSource, json(COMPANY_PHONE), 'device.json');
    expect(snapshots).toEqual([
      {
        source: 'amapi',
        device: {
          sourceDeviceId: 'enterprises/LC02abcd/devices/3a7f9c21e4b05d68',
          name: 'Google Pixel 7',
          holder: 'j.peeters@fed.example.be',
          serial: '28211FDH2000KX',
          platform: 'android',
          osVersion: '14',
          ownership: 'owned',
          managementMode: 'DEVICE_OWNER',
        },
        observedAt: '2023-03-20T08:01:02.345Z',
        apps: [
          { kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '34.1.3' },
          { kind: 'package', value: 'com.google.android.youtube', name: 'YouTube', version: '19.09.37' },
        ],
        coverage: 'full',
      },
    ]);
  });

  it('reads a personal work-profile phone from its non-compliance evidence', async () => {
    const [snapshot] = await parseAll(amapiSource, json(PERSONAL_WORK_PROFILE), 'device.json');
    expect(snapshot).toEqual({
      source: 'amapi',
      device: {
        sourceDeviceId: 'enterprises/LC02abcd/devices/9b1e5f70c2a84d13',
        name: 'samsung SM-S911B',
        serial: 'Z2EXAMPLE5PERSONALID',
        hardwareId: 'Z2EXAMPLE5PERSONALID',
        platform: 'android',
        osVersion: '13',
        ownership: 'byod',
        managementMode: 'PROFILE_OWNER',
      },
      observedAt: '2023-03-19T18:20:00.000Z',
      apps: [{ kind: 'package', value: 'com.zhiliaoapp.musically' }],
      coverage: 'partial',
    });
  });

  it('keeps a work-profile device partial even with app reports', async () => {
    const withReports = { ...PERSONAL_WORK_PROFILE, applicationReports: COMPANY_PHONE.applicationReports };
    expect((await parseAll(amapiSource, json(withReports)))[0]?.coverage).toBe('partial');
  });

  it('streams a devices.list page, an array, and one device per line', async () => {
    const ids = (snapshots: { device: { sourceDeviceId: string } }[]) =>
      snapshots.map((s) => s.device.sourceDeviceId);
    const expected = [COMPANY_PHONE.name, PERSONAL_WORK_PROFILE.name];
    expect(ids(await parseAll(amapiSource, json(DEVICES_PAGE), 'page.json', 64))).toEqual(expected);
    expect(ids(await parseAll(amapiSource, json([COMPANY_PHONE, PERSONAL_WORK_PROFILE])))).toEqual(expected);
    const lines = `${JSON.stringify(COMPANY_PHONE)}\n${JSON.stringify(PERSONAL_WORK_PROFILE)}\n`;
    expect(ids(await parseAll(amapiSource, lines, 'devices.jsonl'))).toEqual(expected);
    expect(await parseAll(amapiSource, '{}', 'empty.json')).toEqual([]);
  });

  it('reports a truncated page with the JSON path reached', async () => {
    const text = json(DEVICES_PAGE);
    const cut = text.slice(0, text.indexOf('"com.google.android.youtube"') + 10);
    const error = await parseError(amapiSource, cut, 'page.json');
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location?.file).toBe('page.json');
    expect(error.location?.path).toMatch(/^\$\.devices\[0\]\.applicationReports\[1\]/);
  });

  it('names the JSON path of a field with the wrong type', async () => {
    const broken = {
      devices: [COMPANY_PHONE, { ...PERSONAL_WORK_PROFILE, nonComplianceDetails: 'APP_INSTALLED' }],
    };
    const error = await parseError(amapiSource, json(broken), 'page.json');
    expect(error.location).toEqual({ file: 'page.json', path: '$.devices[1].nonComplianceDetails' });
    expect(error.message).toContain('must be an array');
  });

  it('refuses a device without a name and a page whose devices are not a list', async () => {
    const { name: _name, ...nameless } = COMPANY_PHONE;
    expect((await parseError(amapiSource, json(nameless))).message).toContain('"name" is required');
    expect((await parseError(amapiSource, '{"devices":{"a":1}}')).location?.path).toBe('$.devices');
    expect((await parseError(amapiSource, '{"kind":"something else"}')).code).toBe('PARSE_ERROR');
  });

  it('falls back through the report times', async () => {
    const { lastStatusReportTime: _status, ...noStatus } = COMPANY_PHONE;
    expect((await parseAll(amapiSource, json(noStatus)))[0]?.observedAt).toBe('2023-03-20T07:58:10.120Z');
  });

  it('sniffs AMAPI devices and not other inventories', () => {
    expect(amapiSource.sniff(json(DEVICES_PAGE), 'devices.json')).toBe(0.95);
    expect(amapiSource.sniff(json({ ...PERSONAL_WORK_PROFILE, name: undefined }), 'd.json')).toBe(0.8);
    expect(
      amapiSource.sniff('{"value":[{"deviceName":"x","managedDeviceOwnerType":"company"}]}', 'x.json'),
    ).toBe(0);
    expect(amapiSource.sniff('<plist></plist>', 'x.plist')).toBe(0);
  });
});
