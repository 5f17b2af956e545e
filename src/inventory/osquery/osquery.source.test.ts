import { describe, expect, it } from 'vitest';
import { collect, jsonLines, parseError, textInput } from '../../../test/inventory-osquery/support.js';
import { osquerySource } from './osquery.source.js';

const T0 = 1_678_406_400; // 2023-03-10T00:00:00Z
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const mac = {
  hostIdentifier: 'mac-01',
  epoch: '0',
  decorations: {
    host_uuid: '4AB2906D-5516-5794-AF54-86D1D7F533F3',
    hostname: 'mac-01.corp.example',
    hardware_serial: 'C02XK0AAJGH5',
    os_name: 'macOS',
    os_version: '13.2.1',
    username: 'alice',
  },
};
const capcut = {
  name: 'CapCut.app',
  path: '/Applications/CapCut.app',
  bundle_identifier: 'com.lemon.lvoverseas',
  bundle_short_version: '3.9.0',
  bundle_version: '3900',
  last_opened_time: '1678400000',
};
const slack = {
  name: 'Slack.app',
  path: '/Applications/Slack.app',
  bundle_identifier: 'com.tinyspeck.slackmacgap',
  bundle_short_version: '4.31.155',
  bundle_version: '431155',
  last_opened_time: '1678300000',
};

function event(
  action: 'added' | 'removed',
  columns: Record<string, unknown>,
  unixTime: number | string,
  counter: number | string,
  host: Record<string, unknown> = mac,
  name = 'pack_it-compliance_installed_applications',
) {
  return {
    name,
    ...host,
    calendarTime: 'ignored when unixTime is there',
    unixTime,
    counter,
    columns,
    action,
  };
}

const parse = (records: unknown[]) =>
  collect(osquerySource, textInput(jsonLines(records), 'osqueryd.results.log'));

describe('osquery differential (event) lines', () => {
  it('turns a first run (counter 0) into a full snapshot and applies later runs in order', async () => {
    const snapshots = await parse([
      event('added', capcut, String(T0), '0'),
      event('added', slack, String(T0), '0'),
      event('removed', capcut, String(T0 + 3600), '1'),
      event('added', { ...capcut, bundle_short_version: '4.0.0' }, String(T0 + 3600), '1'),
      event('removed', slack, T0 + 7200, 2),
    ]);
    expect(snapshots).toHaveLength(3);
    const [first, second, third] = snapshots;
    expect(first).toEqual({
      source: 'osquery',
      device: {
        sourceDeviceId: 'mac-01',
        name: 'mac-01.corp.example',
        serial: 'C02XK0AAJGH5',
        hardwareId: '4AB2906D-5516-5794-AF54-86D1D7F533F3',
        platform: 'macos',
        osVersion: '13.2.1',
        holder: 'alice',
      },
      observedAt: '2023-03-10T00:00:00.000Z',
      apps: [
        { kind: 'bundle-id', value: 'com.lemon.lvoverseas', name: 'CapCut', version: '3.9.0' },
        { kind: 'bundle-id', value: 'com.tinyspeck.slackmacgap', name: 'Slack', version: '4.31.155' },
      ],
      coverage: 'full',
    });
    expect(second?.observedAt).toBe(iso(T0 + 3600));
    expect(second?.coverage).toBe('full');
    expect(second?.apps.map((app) => `${app.value}@${app.version}`)).toEqual([
      'com.tinyspeck.slackmacgap@4.31.155',
      'com.lemon.lvoverseas@4.0.0',
    ]);
    expect(third?.observedAt).toBe(iso(T0 + 7200));
    expect(third?.apps.map((app) => app.value)).toEqual(['com.lemon.lvoverseas']);
    expect(third?.coverage).toBe('full');
  });

  it('marks a host partial when its first line is a difference, until a counter-0 run gives a base', async () => {
    const snapshots = await parse([
      event('added', capcut, T0, 7),
      event('removed', slack, T0 + 60, 8),
      event('added', slack, T0 + 120, 0),
      event('added', capcut, T0 + 120, 0),
    ]);
    expect(snapshots.map((s) => [s.observedAt, s.coverage, s.apps.map((a) => a.value)])).toEqual([
      [iso(T0), 'partial', ['com.lemon.lvoverseas']],
      // A removal of a row never seen changes nothing.
      [iso(T0 + 60), 'partial', ['com.lemon.lvoverseas']],
      // The new base replaces what the differences had built.
      [iso(T0 + 120), 'full', ['com.tinyspeck.slackmacgap', 'com.lemon.lvoverseas']],
    ]);
  });

  it('keeps an app whose row changed within one run while the state has no base', async () => {
    // last_opened_time changed: osquery logs the new row as added and the old one as removed.
    const snapshots = await parse([
      event('added', { ...capcut, last_opened_time: '1678409999' }, T0, 3),
      event('removed', capcut, T0, 3),
    ]);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]?.apps.map((a) => a.value)).toEqual(['com.lemon.lvoverseas']);
    expect(snapshots[0]?.coverage).toBe('partial');
  });

  it('counts the same app installed twice, so removing one copy keeps the other', async () => {
    const copy = { ...capcut, path: '/Users/alice/Applications/CapCut.app' };
    const snapshots = await parse([
      event('added', capcut, T0, 0),
      event('added', copy, T0, 0),
      event('removed', copy, T0 + 60, 1),
      event('removed', capcut, T0 + 120, 2),
    ]);
    expect(snapshots.map((s) => s.apps.length)).toEqual([1, 1, 0]);
    expect(snapshots[2]?.coverage).toBe('full');
  });

  it('is partial when one inventory query of the host has a base and another does not', async () => {
    const extension = {
      uid: '501',
      name: 'TikTok Helper',
      identifier: 'abcdefghijklmnopabcdefghijklmnop',
      version: '1.0',
      profile: 'Default',
    };
    const snapshots = await parse([
      event('added', capcut, T0, 0),
      event('added', extension, T0 + 60, 4, mac, 'pack_it-compliance_chrome_extensions'),
    ]);
    expect(snapshots.map((s) => s.coverage)).toEqual(['full', 'partial']);
    expect(snapshots[1]?.apps).toEqual([
      { kind: 'bundle-id', value: 'com.lemon.lvoverseas', name: 'CapCut', version: '3.9.0' },
      {
        kind: 'chrome-extension',
        value: 'abcdefghijklmnopabcdefghijklmnop',
        name: 'TikTok Helper',
        version: '1.0',
      },
    ]);
  });

  it('emits one snapshot per host and time even when hosts interleave', async () => {
    const linux = { hostIdentifier: 'srv-9', decorations: { os_name: 'Ubuntu' } };
    const deb = (name: string) => ({
      name,
      version: '1.0',
      source: '',
      arch: 'amd64',
      revision: '1',
      status: 'install ok installed',
      maintainer: 'x',
      section: 'utils',
      priority: 'optional',
    });
    const snapshots = await parse([
      event('added', capcut, T0, 0),
      event('added', deb('xz-utils'), T0, 0, linux, 'deb_packages'),
      event('added', slack, T0, 0),
      event('added', deb('curl'), T0, 0, linux, 'deb_packages'),
      event('removed', capcut, T0 + 60, 1),
    ]);
    expect(snapshots.map((s) => [s.device.sourceDeviceId, s.observedAt, s.apps.length])).toEqual([
      // mac-01 at T0 is complete once its next time begins; the rest at the end of the log.
      ['mac-01', iso(T0), 2],
      ['mac-01', iso(T0 + 60), 1],
      ['srv-9', iso(T0), 2],
    ]);
    expect(snapshots[2]?.device).toEqual({ sourceDeviceId: 'srv-9', name: 'srv-9', platform: 'linux' });
    expect(snapshots[2]?.apps[0]).toEqual({
      kind: 'deb-package',
      value: 'xz-utils',
      name: 'xz-utils',
      version: '1.0',
    });
  });

  it('passes over lines of queries that are not software inventories', async () => {
    const mounts = { device: '/dev/disk1s4', path: '/private/var/vm', type: 'apfs', flags: '345018372' };
    const osqueryInfo = {
      build_platform: 'darwin',
      config_hash: '1111',
      pid: '223',
      uuid: 'X',
      version: '5.8.2',
    };
    const snapshots = await parse([
      event('removed', mounts, T0, 1, { decorations: {} }, 'pack_it-compliance_mounts'),
      // Named like an extensions pack but carrying osquery_info columns (as in Panther's tests).
      event('added', osqueryInfo, T0, 255, mac, 'pack_unwanted-chrome-extensions_pup1'),
    ]);
    expect(snapshots).toEqual([]);
  });
});

describe('osquery batch and snapshot lines', () => {
  it('reads the batch format, a counter-0 batch being a full base', async () => {
    const batch = (counter: number, unixTime: number, added: unknown[], removed: unknown[], host = mac) => ({
      name: 'installed_applications',
      ...host,
      unixTime: String(unixTime),
      counter: String(counter),
      diffResults: { added, removed },
    });
    const snapshots = await parse([
      batch(0, T0, [capcut, slack], []),
      batch(1, T0 + 60, [{ ...slack, bundle_short_version: '4.32.0' }], [slack]),
      batch(4, T0, [capcut], [], { ...mac, hostIdentifier: 'mac-02' }),
    ]);
    expect(snapshots.map((s) => [s.device.sourceDeviceId, s.coverage, s.apps.map((a) => a.version)])).toEqual(
      [
        ['mac-01', 'full', ['3.9.0', '4.31.155']],
        // Pending snapshots are emitted at the end of the log in the order hosts first appeared.
        ['mac-01', 'full', ['3.9.0', '4.32.0']],
        ['mac-02', 'partial', ['3.9.0']],
      ],
    );
  });

  it('replaces a query state with each snapshot line', async () => {
    const snap = (unixTime: number, rows: unknown[]) => ({
      name: 'windows_programs',
      hostIdentifier: 'PC-0042',
      calendarTime: 'Fri Mar 10 00:00:00 2023 UTC',
      unixTime,
      epoch: 0,
      counter: 0,
      numerics: true,
      decorations: { hostname: 'PC-0042', hardware_serial: 'PF3ABC12' },
      action: 'snapshot',
      snapshot: rows,
    });
    const program = (name: string, version: string) => ({
      name,
      version,
      publisher: 'Bytedance Pte. Ltd.',
      identifying_number: '{1234}',
      install_location: '',
    });
    const snapshots = await parse([
      snap(T0, [program('CapCut', '3.9.0'), program('TikTok LIVE Studio', '0.39.0')]),
      snap(T0 + 86_400, [program('CapCut', '3.9.0')]),
      snap(T0 + 172_800, []),
    ]);
    expect(snapshots.map((s) => [s.coverage, s.apps.map((a) => a.value)])).toEqual([
      ['full', ['CapCut', 'TikTok LIVE Studio']],
      ['full', ['CapCut']],
      ['full', []],
    ]);
    expect(snapshots[0]?.apps[0]).toEqual({
      kind: 'program',
      value: 'CapCut',
      name: 'CapCut',
      version: '3.9.0',
      publisher: 'Bytedance Pte. Ltd.',
    });
    expect(snapshots[0]?.device).toEqual({
      sourceDeviceId: 'PC-0042',
      name: 'PC-0042',
      serial: 'PF3ABC12',
      platform: 'windows',
    });
  });
});

describe('osquery tables and fields', () => {
  it('recognises each software table by its columns or, with few columns, by the query name', async () => {
    const host = { hostIdentifier: 'h', decorations: {} };
    const snapshots = await parse([
      event(
        'added',
        { name: 'liblzma5', version: '5.4.1-0.2', source: 'xz-utils' },
        T0,
        0,
        host,
        'pack_vuln-management_deb_packages',
      ),
      event(
        'added',
        { name: 'xz', version: '5.6.0', release: '1.fc40', vendor: 'Fedora', sha1: 'x' },
        T0,
        0,
        host,
        'q1',
      ),
      event(
        'added',
        { name: 'TikTok', package_family_name: 'BytedancePte.Ltd.TikTok_6yccndn6064se', version: '1.0' },
        T0,
        0,
        host,
        'q2',
      ),
      event('added', { name: 'CapCut', path: '/Applications/CapCut.app' }, T0, 0, host, 'apps'),
      event(
        'added',
        { identifier: 'gjknjjomckknofjidppipffbpoekiipm', name: 'VPN' },
        T0,
        0,
        host,
        'pack_x_chrome_extensions',
      ),
    ]);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]?.apps).toEqual([
      { kind: 'deb-package', value: 'liblzma5', name: 'liblzma5', version: '5.4.1-0.2' },
      { kind: 'rpm-package', value: 'xz', name: 'xz', version: '5.6.0' },
      {
        kind: 'package-family-name',
        value: 'BytedancePte.Ltd.TikTok_6yccndn6064se',
        name: 'TikTok',
        version: '1.0',
      },
      { kind: 'display-name', value: 'CapCut', name: 'CapCut' },
      { kind: 'chrome-extension', value: 'gjknjjomckknofjidppipffbpoekiipm', name: 'VPN' },
    ]);
    // deb_packages came first, so the host is taken for Linux.
    expect(snapshots[0]?.device.platform).toBe('linux');
  });

  it('accepts unixTime as a number and falls back to calendarTime', async () => {
    const { calendarTime: _ignored, unixTime: _also, ...noTimes } = event('added', capcut, 0, 0);
    const snapshots = await parse([
      { ...noTimes, unixTime: T0 },
      { ...noTimes, calendarTime: 'Sat Mar 11 08:05:09 2023 UTC', counter: 1, action: 'removed' },
    ]);
    expect(snapshots.map((s) => s.observedAt)).toEqual([iso(T0), '2023-03-11T08:05:09.000Z']);
  });

  it('reads decorations for platform, group, holder and ownership', async () => {
    const host = {
      hostIdentifier: 'E2B1C3D4-0000-0000-0000-000000000001',
      decorations: {
        platform: 'windows',
        computer_name: 'FIN-LT-7',
        group: 'federal/finance',
        email: 'bob@example.gov',
        ownership: 'Paid',
      },
    };
    const [snapshot] = await parse([event('added', { name: 'x', version: '1' }, T0, 0, host, 'programs')]);
    expect(snapshot?.device).toEqual({
      sourceDeviceId: 'E2B1C3D4-0000-0000-0000-000000000001',
      name: 'FIN-LT-7',
      platform: 'windows',
      holder: 'bob@example.gov',
      group: 'federal/finance',
      ownership: 'paid',
    });
  });
});

describe('osquery malformed input', () => {
  const good = JSON.stringify(event('added', capcut, T0, 0));

  it('names the line of a truncated JSON line', async () => {
    const text = `${good}\n\n${good.slice(0, 80)}\n${good}\n`;
    const error = await parseError(osquerySource, textInput(text, 'logs/osqueryd.results.log'));
    expect(error.location).toEqual({ file: 'logs/osqueryd.results.log', line: 3 });
    expect(error.format()).toMatch(
      /^logs\/osqueryd\.results\.log:3: error PARSE_ERROR: line is not valid JSON/,
    );
  });

  it('names the line that is not an object', async () => {
    for (const bad of ['[1,2,3]', '"added"', '42', 'null']) {
      const error = await parseError(osquerySource, textInput(`${good}\r\n${bad}\r\n`, 'r.log'));
      expect(error.location).toEqual({ file: 'r.log', line: 2 });
      expect(error.message).toContain('not a JSON object');
    }
  });

  it('rejects lines that are no osquery result and inventory lines without host or time', async () => {
    const cases: [unknown, RegExp][] = [
      [{ hostIdentifier: 'x', message: 'status log' }, /no `columns`, `diffResults` or `snapshot`/],
      [{ ...event('added', capcut, T0, 0), action: 'changed' }, /`action` is "changed"/],
      [{ ...event('added', capcut, T0, 0), columns: ['a'] }, /`columns` is not an object/],
      [{ ...event('added', capcut, T0, 0), unixTime: 'yesterday' }, /`unixTime` "yesterday"/],
      [{ ...event('added', capcut, T0, 0), hostIdentifier: undefined, decorations: {} }, /names no host/],
      [
        { name: 'apps', hostIdentifier: 'h', counter: '0', columns: capcut, action: 'added' },
        /no `unixTime` or `calendarTime`/,
      ],
      [
        {
          name: 'apps',
          hostIdentifier: 'h',
          calendarTime: 'Thu Feb 30 10:00:00 2023 UTC',
          columns: capcut,
          action: 'added',
        },
        /`calendarTime` "Thu Feb 30 10:00:00 2023 UTC" is not a time/,
      ],
      [
        { name: 'apps', hostIdentifier: 'h', unixTime: T0, snapshot: [capcut, 'x'] },
        /`snapshot\[1\]` is not an object/,
      ],
    ];
    for (const [record, message] of cases) {
      const error = await parseError(
        osquerySource,
        textInput(`${good}\n${JSON.stringify(record)}\n`, 'x.log'),
      );
      expect(error.location?.line).toBe(2);
      expect(error.message).toMatch(message);
    }
  });
});

describe('osquery sniffing', () => {
  it('recognises result lines and lines cut by the 64 KiB head', () => {
    const line = JSON.stringify(event('added', capcut, T0, 0));
    expect(osquerySource.sniff(`${line}\n`, 'osqueryd.results.log')).toBeGreaterThanOrEqual(0.9);
    const rows = Array.from({ length: 400 }, (_, i) => ({
      ...capcut,
      path: `/Applications/${i}/CapCut.app`,
    }));
    const longSnapshot = JSON.stringify({
      snapshot: rows,
      action: 'snapshot',
      name: 'apps',
      hostIdentifier: 'h',
    });
    expect(longSnapshot.length).toBeGreaterThan(65_536);
    expect(osquerySource.sniff(longSnapshot.slice(0, 65_536), 'results.log')).toBeGreaterThanOrEqual(0.7);
    expect(osquerySource.sniff('{"hosts":[]}\n', 'hosts.json')).toBeLessThan(0.2);
    expect(osquerySource.sniff('device_id,platform\n', 'x.csv')).toBe(0);
  });
});
