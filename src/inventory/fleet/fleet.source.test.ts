import { describe, expect, it } from 'vitest';
import { collect, parseError, textInput } from '../../../test/inventory-osquery/support.js';
import { fleetSource } from './fleet.source.js';

const macHost = {
  created_at: '2023-01-05T09:00:00Z',
  id: 121,
  detail_updated_at: '2023-03-10T08:00:00Z',
  software_updated_at: '2023-03-10T07:30:00Z',
  seen_time: '2023-03-10T09:15:00Z',
  hostname: 'fin-mbp-7.corp.example',
  uuid: '309A4B7D-0000-0000-8E7F-26AE0815EDE8',
  platform: 'darwin',
  os_version: 'macOS 13.2.1',
  hardware_serial: 'C02XK0AAJGH5',
  computer_name: 'FIN-MBP-7',
  display_name: "Alice's MacBook Pro",
  team_id: 3,
  team_name: 'federal/finance',
  device_mapping: [{ email: 'alice@example.gov', source: 'google_chrome_profiles' }],
  mdm: { enrollment_status: 'On (automatic)', name: 'Fleet', connected_to_fleet: true },
  software: [
    {
      id: 1,
      name: 'CapCut.app',
      version: '3.9.0',
      source: 'apps',
      bundle_identifier: 'com.lemon.lvoverseas',
      generated_cpe: '',
      vulnerabilities: null,
    },
    { id: 2, name: 'xz', version: '5.6.0', source: 'homebrew_packages' },
    {
      id: 3,
      name: 'TikTok Shop helper',
      version: '1.2',
      source: 'chrome_extensions',
      extension_id: 'abcdefghijklmnopabcdefghijklmnop',
      browser: 'chrome',
    },
  ],
};

const iphone = {
  id: 7,
  uuid: '00008110-001A2B3C4D5E6F70',
  platform: 'ios',
  os_version: 'iOS 16.3.1',
  hardware_serial: 'F2LXK0AAHG7K',
  display_name: 'Bob iPhone',
  team_name: 'federal/comms',
  software_updated_at: '2023-03-11T10:00:00+01:00',
  mdm: { enrollment_status: 'On (company-owned)' },
  software: [
    { name: 'TikTok', version: '28.4.0', source: 'ios_apps', bundle_identifier: 'com.zhiliaoapp.musically' },
  ],
};

const pixel = {
  id: 8,
  uuid: 'enrollment-id-12345',
  platform: 'android',
  hardware_serial: '',
  display_name: 'Pixel 7',
  team_name: null,
  detail_updated_at: '2023-03-12T00:00:00Z',
  software_updated_at: '0001-01-01T00:00:00Z',
  mdm: { enrollment_status: 'On (personal)' },
  software: [
    { name: 'TikTok', version: '28.4.3', source: 'android_apps', application_id: 'com.zhiliaoapp.musically' },
  ],
};

const windows = {
  id: 9,
  uuid: 'B4E1D2C3-1111-2222-3333-444455556666',
  platform: 'windows',
  computer_name: 'PC-0042',
  seen_time: '2023-03-12T12:00:00.250Z',
  software: [{ name: 'CapCut', version: '3.9.0', source: 'programs', vendor: 'Bytedance Pte. Ltd.' }],
};

const ubuntuWithoutSoftware = {
  id: 10,
  uuid: '72a6f06a-d27d-45ec-996d-0ca298f50c61',
  platform: 'ubuntu',
  hostname: 'oci-kube-1',
  software: null,
  seen_time: '2025-12-05T17:38:07Z',
};

const parse = (value: unknown, chunkBytes = 0) =>
  collect(fleetSource, textInput(JSON.stringify(value, null, 2), 'fleet-hosts.json', chunkBytes));

describe('Fleet host JSON', () => {
  it('reads one host with its software, field by field', async () => {
    const snapshots = await parse({ host: macHost });
    expect(snapshots).toEqual([
      {
        source: 'fleet',
        device: {
          sourceDeviceId: '309A4B7D-0000-0000-8E7F-26AE0815EDE8',
          platform: 'macos',
          name: "Alice's MacBook Pro",
          serial: 'C02XK0AAJGH5',
          hardwareId: '309A4B7D-0000-0000-8E7F-26AE0815EDE8',
          osVersion: 'macOS 13.2.1',
          group: 'federal/finance',
          holder: 'alice@example.gov',
          managementMode: 'On (automatic)',
          ownership: 'owned',
        },
        observedAt: '2023-03-10T07:30:00.000Z',
        apps: [
          { kind: 'bundle-id', value: 'com.lemon.lvoverseas', name: 'CapCut', version: '3.9.0' },
          { kind: 'display-name', value: 'xz', name: 'xz', version: '5.6.0' },
          {
            kind: 'chrome-extension',
            value: 'abcdefghijklmnopabcdefghijklmnop',
            name: 'TikTok Shop helper',
            version: '1.2',
          },
        ],
        coverage: 'full',
      },
    ]);
  });

  it('streams a host list: mobile, Windows and hosts listed without software', async () => {
    const snapshots = await parse({ hosts: [iphone, pixel, windows, ubuntuWithoutSoftware] });
    expect(snapshots.map((s) => s.device.sourceDeviceId)).toEqual([
      '00008110-001A2B3C4D5E6F70',
      'enrollment-id-12345',
      'B4E1D2C3-1111-2222-3333-444455556666',
      '72a6f06a-d27d-45ec-996d-0ca298f50c61',
    ]);
    const [ios, android, pc, ubuntu] = snapshots;
    expect(ios).toEqual({
      source: 'fleet',
      device: {
        sourceDeviceId: '00008110-001A2B3C4D5E6F70',
        platform: 'ios',
        name: 'Bob iPhone',
        serial: 'F2LXK0AAHG7K',
        hardwareId: '00008110-001A2B3C4D5E6F70',
        udid: '00008110-001A2B3C4D5E6F70',
        osVersion: 'iOS 16.3.1',
        group: 'federal/comms',
        managementMode: 'On (company-owned)',
        ownership: 'owned',
      },
      observedAt: '2023-03-11T09:00:00.000Z',
      apps: [{ kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '28.4.0' }],
      coverage: 'full',
    });
    // A personal Android host lists only its work profile: evidence, never proof of absence.
    expect(android?.coverage).toBe('partial');
    expect(android?.device.ownership).toBe('byod');
    expect(android?.device.udid).toBeUndefined();
    expect(android?.device.serial).toBeUndefined();
    // The zero software time is "never"; the next time field is used.
    expect(android?.observedAt).toBe('2023-03-12T00:00:00.000Z');
    expect(android?.apps).toEqual([
      { kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '28.4.3' },
    ]);
    expect(pc?.apps).toEqual([
      {
        kind: 'program',
        value: 'CapCut',
        name: 'CapCut',
        version: '3.9.0',
        publisher: 'Bytedance Pte. Ltd.',
      },
    ]);
    expect(pc?.observedAt).toBe('2023-03-12T12:00:00.250Z');
    expect(pc?.device.ownership).toBeUndefined();
    expect(ubuntu).toMatchObject({
      apps: [],
      coverage: 'partial',
      device: { platform: 'linux', name: 'oci-kube-1' },
    });
  });

  it('gives the same snapshots whatever the chunking of the input', async () => {
    const whole = await parse({ hosts: [macHost, iphone, pixel] });
    expect(await parse({ hosts: [macHost, iphone, pixel] }, 7)).toEqual(whole);
    expect(await parse({ hosts: [macHost, iphone, pixel] }, 4099)).toEqual(whole);
  });

  it('ignores other members of the response and accepts an empty list', async () => {
    expect(await parse({ hosts: [], software: [], mobile_device_management_solution: { id: 1 } })).toEqual(
      [],
    );
  });
});

describe('Fleet malformed input', () => {
  const fails = (content: string) => parseError(fleetSource, textInput(content, 'hosts.json'));

  it('gives the JSON path where a truncated file ends', async () => {
    const text = JSON.stringify({ hosts: [macHost, iphone] });
    const cut = text.indexOf('com.zhiliaoapp.musically');
    const error = await fails(text.slice(0, cut));
    expect(error.location).toEqual({ file: 'hosts.json', path: '$.hosts[1].software[0].bundle_identifier' });
    expect(error.message).toMatch(
      /^not valid JSON near \$\.hosts\[1\]\.software\[0\]\.bundle_identifier: the file ends/,
    );
  });

  it('gives the JSON path of a syntax error in the middle of a long list', async () => {
    const hosts = Array.from({ length: 40 }, (_, i) => ({ ...windows, id: i, uuid: `u-${i}` }));
    const text = JSON.stringify({ hosts }).replace('"u-31","platform"', '"u-31" "platform"');
    const error = await fails(text);
    // The tokenizer reports no position; the path is where reading stood, a few hundred
    // characters at most before the fault (one host here is about 300).
    expect(error.location?.path).toMatch(/^\$\.hosts\[3[01]\]/);
    expect(error.message).toMatch(/expected ','/);
  });

  it('names the path of values of the wrong shape', async () => {
    const cases: [unknown, string, RegExp][] = [
      [[macHost], '$', /holds a JSON array/],
      [{ hosts: { id: 1 } }, '$.hosts', /`hosts` is not an array/],
      [{ hosts: [macHost, 'PC-0042'] }, '$.hosts[1]', /host is not an object/],
      [{ host: { ...macHost, software: {} } }, '$.host.software', /`software` is not an array/],
      [{ hosts: [{ ...windows, software: [{ name: 'a' }, 3] }] }, '$.hosts[0].software[1]', /not an object/],
      [
        { hosts: [{ ...windows, software: [{ version: '1', source: 'apps' }] }] },
        '$.hosts[0].software[0]',
        /neither a name nor an identifier/,
      ],
      [
        { hosts: [{ ...windows, seen_time: 'last tuesday' }] },
        '$.hosts[0].seen_time',
        /not an ISO 8601 time/,
      ],
      [{ hosts: [{ ...windows, seen_time: undefined }] }, '$.hosts[0]', /cannot be placed in time/],
      [{ hosts: [{ ...windows, id: undefined, uuid: '' }] }, '$.hosts[0]', /no uuid, hardware_serial or id/],
      [
        { software: [{ name: 'xz', version: '5.6.0', source: 'homebrew_packages' }] },
        '$',
        /bare `software` list names no host/,
      ],
      [{ count: 3 }, '$', /no `host` or `hosts` member/],
    ];
    for (const [value, path, message] of cases) {
      const error = await fails(JSON.stringify(value));
      expect(error.location).toEqual({ file: 'hosts.json', path });
      expect(error.message).toMatch(message);
    }
  });

  it('rejects an empty file and trailing content', async () => {
    expect((await fails('')).message).toMatch(/empty|ends before/);
    expect((await fails('{"hosts":[]} {"hosts":[]}')).message).toMatch(/not valid JSON/);
  });
});

describe('Fleet sniffing', () => {
  it('recognises host responses and scores other JSON low', () => {
    expect(fleetSource.sniff(JSON.stringify({ host: macHost }), 'host.json')).toBeGreaterThanOrEqual(0.9);
    expect(fleetSource.sniff('{\n  "hosts": [\n    {\n', 'hosts.json')).toBeGreaterThanOrEqual(0.9);
    expect(
      fleetSource.sniff('{"name":"apps","hostIdentifier":"h","columns":{},"action":"added"}', 'r.log'),
    ).toBe(0);
    expect(fleetSource.sniff('{"rules":[{"rule_type":"BINARY"}]}', 'santa.json')).toBe(0);
    expect(fleetSource.sniff('device_id,platform,app_id,observed_at\n', 'x.csv')).toBe(0);
  });
});
