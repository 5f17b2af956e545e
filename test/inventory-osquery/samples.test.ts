import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fleetSource } from '../../src/inventory/fleet/fleet.source.js';
import { osquerySource } from '../../src/inventory/osquery/osquery.source.js';
import { sample, samplesAvailable } from '../support/samples.js';
import { collect, fileInput, jsonLines, parseError, textInput } from './support.js';

const RESULT_LOG = sample(
  'osquery',
  'result-logs',
  'elastic-beats_filebeat_module_osquery_result_test_test.log',
);
const FLEET_SOFTWARE = sample('fleet', 'cmd_osquery-perf_macos_vulnerable-software.json');

/** The osquery differential events embedded as `Tests[].Log` in a Panther rule file. */
function pantherEvents(file: string): Record<string, unknown>[] {
  const rule = parseYaml(readFileSync(sample('osquery', 'panther-analysis', file), 'utf8')) as {
    Tests: { Log: Record<string, unknown> }[];
  };
  return rule.Tests.map((test) => test.Log);
}

describe.skipIf(!samplesAvailable)('osquery on real result logs (elastic/beats test log)', () => {
  it('passes over the mounts lines, including the one without hostIdentifier', async () => {
    expect(osquerySource.sniff(readFileSync(RESULT_LOG, 'utf8'), 'test.log')).toBeGreaterThanOrEqual(0.9);
    expect(await collect(osquerySource, fileInput(RESULT_LOG))).toEqual([]);
  });

  it('reads the real line envelope when it carries an apps row (CapCut)', async () => {
    const [first] = readFileSync(RESULT_LOG, 'utf8').split('\n');
    const envelope = JSON.parse(first ?? '') as Record<string, unknown>;
    const capcut = {
      name: 'CapCut.app',
      path: '/Applications/CapCut.app',
      bundle_identifier: 'com.lemon.lvoverseas',
      bundle_short_version: '3.9.0',
    };
    const line = {
      ...envelope,
      name: 'pack_it-compliance_installed_applications',
      columns: capcut,
      action: 'added',
    };
    const snapshots = await collect(osquerySource, textInput(jsonLines([line]), 'osqueryd.results.log'));
    expect(snapshots).toEqual([
      {
        source: 'osquery',
        device: {
          sourceDeviceId: '192-168-0-4.rdsnet.ro',
          name: '192-168-0-4.rdsnet.ro',
          hardwareId: '4AB2906D-5516-5794-AF54-86D1D7F533F3',
          holder: 'tsg',
          platform: 'macos',
        },
        observedAt: '2017-12-28T14:40:08.000Z',
        apps: [{ kind: 'bundle-id', value: 'com.lemon.lvoverseas', name: 'CapCut', version: '3.9.0' }],
        // counter "1": a difference whose base is not in the log.
        coverage: 'partial',
      },
    ]);
  });
});

describe.skipIf(!samplesAvailable)('osquery on the Panther rule test events', () => {
  it('passes over events whose columns are not a software table, whatever the pack is called', async () => {
    const events = [
      ...pantherEvents('osquery_mac_unwanted_chrome_extensions.yml'),
      ...pantherEvents('osquery_outdated_macos.yml'),
    ];
    expect(events).toHaveLength(4);
    expect(await collect(osquerySource, textInput(jsonLines(events), 'panther.log'))).toEqual([]);
  });

  it('refuses the package events as they are: they carry no time', async () => {
    const events = pantherEvents('osquery_linux_mac_vulnerable_xz_liblzma.yml');
    const error = await parseError(osquerySource, textInput(jsonLines(events), 'xz.log'));
    expect(error.location).toEqual({ file: 'xz.log', line: 1 });
    expect(error.message).toMatch(/no `unixTime` or `calendarTime`/);
  });

  it('reads the deb and rpm package events, recognised by their query names, once timed', async () => {
    const events = pantherEvents('osquery_linux_mac_vulnerable_xz_liblzma.yml').map((event) => ({
      ...event,
      unixTime: '1711929600',
    }));
    const snapshots = await collect(osquerySource, textInput(jsonLines(events), 'xz.log'));
    expect(snapshots).toEqual([
      {
        source: 'osquery',
        device: { sourceDeviceId: 'test-host', name: 'test-host', platform: 'linux' },
        observedAt: '2024-04-01T00:00:00.000Z',
        apps: [
          { kind: 'rpm-package', value: 'liblzma.so', name: 'liblzma.so', version: '5.6.1.000' },
          { kind: 'deb-package', value: 'xz', name: 'xz', version: '5.6.0.000' },
          { kind: 'rpm-package', value: 'liblzma.so', name: 'liblzma.so', version: '5.4.6.000' },
        ],
        coverage: 'partial',
      },
    ]);
  });
});

describe.skipIf(!samplesAvailable)('Fleet on the osquery-perf software list', () => {
  it('refuses the bare list, which names no host, and scores it low', async () => {
    const text = readFileSync(FLEET_SOFTWARE, 'utf8');
    expect(fleetSource.sniff(text, 'macos_vulnerable-software.json')).toBeLessThan(0.5);
    const error = await parseError(fleetSource, fileInput(FLEET_SOFTWARE));
    expect(error.location).toEqual({ file: FLEET_SOFTWARE, path: '$' });
    expect(error.message).toMatch(/bare `software` list names no host/);
  });

  it('maps every entry of the list when it is a host’s software, next to a TikTok iPhone', async () => {
    const software = (JSON.parse(readFileSync(FLEET_SOFTWARE, 'utf8')) as { software: unknown[] }).software;
    const response = {
      hosts: [
        {
          id: 1,
          uuid: 'A1B2C3D4-0000-0000-0000-00000000000A',
          platform: 'darwin',
          hardware_serial: 'C02ABCDEF123',
          computer_name: 'perf-mac',
          software_updated_at: '2024-07-01T12:00:00Z',
          software,
        },
        {
          id: 2,
          uuid: '00008110-000A1B2C3D4E5F60',
          platform: 'ios',
          software_updated_at: '2024-07-01T12:00:00Z',
          mdm: { enrollment_status: 'On (automatic)' },
          software: [
            {
              name: 'TikTok',
              version: '35.1.0',
              source: 'ios_apps',
              bundle_identifier: 'com.zhiliaoapp.musically',
            },
          ],
        },
      ],
    };
    const [mac, iphone] = await collect(fleetSource, textInput(JSON.stringify(response), 'hosts.json', 4096));
    expect(mac?.apps).toHaveLength(113);
    expect(mac?.coverage).toBe('full');
    expect(mac?.device).toEqual({
      sourceDeviceId: 'A1B2C3D4-0000-0000-0000-00000000000A',
      platform: 'macos',
      name: 'perf-mac',
      serial: 'C02ABCDEF123',
      hardwareId: 'A1B2C3D4-0000-0000-0000-00000000000A',
    });
    const byValue = new Map(mac?.apps.map((app) => [app.value, app]));
    expect(byValue.get('com.1password.1password')).toEqual({
      kind: 'bundle-id',
      value: 'com.1password.1password',
      name: '1password',
      version: '8.10.28',
    });
    expect(byValue.get('com.google.Chrome')).toEqual({
      kind: 'bundle-id',
      value: 'com.google.Chrome',
      name: 'Google Chrome',
      version: '126.0.6478.127',
    });
    expect(byValue.get('monal')).toEqual({
      kind: 'display-name',
      value: 'monal',
      name: 'monal',
      version: '4.9',
    });
    expect(byValue.get('xz')).toEqual({ kind: 'display-name', value: 'xz', name: 'xz', version: '5.6.0' });
    // An extension without extension_id (older Fleet) is known by its name only.
    expect(byValue.get('grammarly')).toEqual({
      kind: 'display-name',
      value: 'grammarly',
      name: 'grammarly',
      version: '2018-02-02',
    });
    expect(iphone).toMatchObject({
      device: { platform: 'ios', ownership: 'owned', udid: '00008110-000A1B2C3D4E5F60' },
      apps: [{ kind: 'bundle-id', value: 'com.zhiliaoapp.musically', version: '35.1.0' }],
      coverage: 'full',
    });
  });
});
