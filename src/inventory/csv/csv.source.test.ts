import { describe, expect, it } from 'vitest';
import { collect, parseError, textInput } from '../../../test/inventory-osquery/support.js';
import { csvSource } from './csv.source.js';

const HEADER = 'device_id,device_name,holder,group,ownership,platform,app_id,app_name,version,observed_at';

const parse = (text: string) => collect(csvSource, textInput(text, 'inventory.csv'));

describe('CSV inventory', () => {
  it('groups rows by device and time into full snapshots, inferring identifier kinds', async () => {
    const text = [
      HEADER,
      'IPH-1,Bob iPhone,bob@example.gov,federal/comms,owned,ios,com.zhiliaoapp.musically,TikTok,28.4.0,2023-03-10T09:00:00Z',
      'IPH-1,,,,,iOS,com.apple.mobilesafari,Safari,,2023-03-10T09:00:00Z',
      'AND-7,Pixel,carol@example.gov,federal/finance,byod,android,com.lemon.lvoverseas,CapCut,9.1.0,2023-03-10T10:00:00+01:00',
      'PC-42,"PC-42, floor 3",,federal,paid,windows,BytedancePte.Ltd.TikTok_6yccndn6064se,TikTok,,2023-03-10',
      'PC-42,,,,,windows,CapCut,CapCut,3.9.0,2023-03-10',
      'MAC-3,,,,,macos,com.lemon.lvoverseas,CapCut,3.9.0,2023-03-11T00:00:00Z',
      'CB-1,,,,,chromeos,gjknjjomckknofjidppipffbpoekiipm,,,2023-03-11',
      'LNX-1,,,,,linux,,,,2023-03-11',
    ].join('\r\n');
    const snapshots = await parse(text);
    expect(snapshots.map((s) => [s.device.sourceDeviceId, s.observedAt])).toEqual([
      ['IPH-1', '2023-03-10T09:00:00.000Z'],
      ['AND-7', '2023-03-10T09:00:00.000Z'],
      ['PC-42', '2023-03-10T00:00:00.000Z'],
      ['MAC-3', '2023-03-11T00:00:00.000Z'],
      ['CB-1', '2023-03-11T00:00:00.000Z'],
      ['LNX-1', '2023-03-11T00:00:00.000Z'],
    ]);
    expect(snapshots[0]).toEqual({
      source: 'csv',
      device: {
        sourceDeviceId: 'IPH-1',
        platform: 'ios',
        name: 'Bob iPhone',
        holder: 'bob@example.gov',
        group: 'federal/comms',
        ownership: 'owned',
      },
      observedAt: '2023-03-10T09:00:00.000Z',
      apps: [
        { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '28.4.0' },
        { kind: 'bundle-id', value: 'com.apple.mobilesafari', name: 'Safari' },
      ],
      coverage: 'full',
    });
    expect(snapshots[1]?.apps).toEqual([
      { kind: 'package', value: 'com.lemon.lvoverseas', name: 'CapCut', version: '9.1.0' },
    ]);
    expect(snapshots[1]?.device.ownership).toBe('byod');
    expect(snapshots[2]?.device.name).toBe('PC-42, floor 3');
    expect(snapshots[2]?.apps).toEqual([
      { kind: 'package-family-name', value: 'BytedancePte.Ltd.TikTok_6yccndn6064se', name: 'TikTok' },
      { kind: 'program', value: 'CapCut', name: 'CapCut', version: '3.9.0' },
    ]);
    expect(snapshots[3]?.apps[0]?.kind).toBe('bundle-id');
    expect(snapshots[4]?.apps[0]?.kind).toBe('chrome-extension');
    expect(snapshots[5]).toMatchObject({ apps: [], coverage: 'full', device: { platform: 'linux' } });
  });

  it('accepts the columns in any order with the optional ones left out', async () => {
    const snapshots = await parse(
      'observed_at,app_id,platform,device_id\n2023-03-10,com.zhiliaoapp.musically,android,A1\n',
    );
    expect(snapshots).toEqual([
      {
        source: 'csv',
        device: { sourceDeviceId: 'A1', platform: 'android' },
        observedAt: '2023-03-10T00:00:00.000Z',
        apps: [{ kind: 'package', value: 'com.zhiliaoapp.musically' }],
        coverage: 'full',
      },
    ]);
  });

  it('fails with file and line on bad rows', async () => {
    const row = (fields: Partial<Record<string, string>>) =>
      [
        fields.device_id ?? 'D1',
        '',
        '',
        '',
        fields.ownership ?? '',
        fields.platform ?? 'ios',
        fields.app_id ?? 'com.x',
        fields.app_name ?? '',
        '',
        fields.observed_at ?? '2023-03-10',
      ].join(',');
    const cases: [string, number, RegExp][] = [
      [`${HEADER}\n${row({})}\nD2,ios,com.x,2023-03-10\n`, 3, /row has 4 fields; the header has 10/],
      [
        `${HEADER}\n${row({})}\n${row({ ownership: 'corporate' })}\n`,
        3,
        /ownership "corporate" is not one of owned, paid, byod, unknown/,
      ],
      [`${HEADER}\n${row({ platform: 'symbian' })}\n`, 2, /platform "symbian" is not one of/],
      [
        `${HEADER}\n${row({})}\n\n${row({ observed_at: '2023-02-30' })}\n`,
        4,
        /observed_at "2023-02-30" is not a date/,
      ],
      [`${HEADER}\n${row({ observed_at: '2023-03-10T10:00:00' })}\n`, 2, /not a date/],
      [`${HEADER}\n${row({ device_id: '' })}\n`, 2, /device_id is empty/],
      [`${HEADER}\n${row({ app_id: '', app_name: 'TikTok' })}\n`, 2, /app_id is empty/],
      [
        `${HEADER}\n${row({})}\n${row({ device_id: 'D2' })}\n${row({})}\n`,
        4,
        /began on line 2 and other rows came between/,
      ],
      [
        `${HEADER}\n${row({})}\n${row({ platform: 'android' })}\n`,
        3,
        /platform "android" differs from "ios" on line 2/,
      ],
      [`device_id,platform,app_id,observed_at,colour\n`, 1, /unknown column "colour"/],
      [`device_id,platform,app_id\n`, 1, /lacks the required column\(s\) observed_at/],
      [`device_id,platform,app_id,observed_at,platform\n`, 1, /appears twice/],
      ['', 1, /header row/],
    ];
    for (const [text, line, message] of cases) {
      const error = await parseError(csvSource, textInput(text, 'exports/inventory.csv'));
      expect(error.location).toEqual({ file: 'exports/inventory.csv', line });
      expect(error.message).toMatch(message);
    }
  });

  it('recognises its header and scores other files low', () => {
    expect(csvSource.sniff(`${HEADER}\n`, 'whatever.txt')).toBeGreaterThanOrEqual(0.9);
    expect(
      csvSource.sniff('"device_id","platform","app_id","observed_at"\r\n', 'x.csv'),
    ).toBeGreaterThanOrEqual(0.9);
    expect(csvSource.sniff('device_id,app_id\n', 'x.csv')).toBeLessThan(0.9);
    expect(csvSource.sniff('Name,Version,Publisher\n', 'programs.csv')).toBeLessThan(0.2);
    expect(csvSource.sniff('{"hosts":[]}', 'hosts.json')).toBe(0);
  });
});
