import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_PLATFORMS, IDENTIFIER_KINDS } from '../../src/catalog/catalog.types.js';
import { csvSource } from '../../src/inventory/csv/csv.source.js';
import { fleetSource } from '../../src/inventory/fleet/fleet.source.js';
import { osquerySource } from '../../src/inventory/osquery/osquery.source.js';
import type { InventorySnapshot, InventorySource } from '../../src/inventory/snapshot.types.js';
import { AppbanError } from '../../src/lib/errors.js';
import { sample, samplesAvailable } from '../support/samples.js';
import { collect, jsonLines, textInput } from './support.js';

const RUNS = 150;
const KINDS = new Set<string>([
  ...IDENTIFIER_KINDS,
  'chrome-extension',
  'deb-package',
  'rpm-package',
  'program',
]);
const PLATFORMS = new Set<string>([...DEVICE_PLATFORMS, 'unknown']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A snapshot the store can take: every field of the contract present and of its type. */
function expectWellFormed(snapshot: InventorySnapshot, source: string) {
  expect(snapshot.source).toBe(source);
  expect(typeof snapshot.device.sourceDeviceId).toBe('string');
  expect(snapshot.device.sourceDeviceId.length).toBeGreaterThan(0);
  expect(PLATFORMS.has(snapshot.device.platform)).toBe(true);
  expect(snapshot.observedAt).toMatch(ISO);
  expect(Number.isNaN(Date.parse(snapshot.observedAt))).toBe(false);
  expect(['full', 'partial']).toContain(snapshot.coverage);
  for (const app of snapshot.apps) {
    expect(KINDS.has(app.kind)).toBe(true);
    expect(typeof app.value).toBe('string');
    expect(app.value.length).toBeGreaterThan(0);
    for (const field of ['name', 'version', 'publisher'] as const) {
      if (app[field] !== undefined) expect(typeof app[field]).toBe('string');
    }
  }
}

/** Either snapshots that are well formed, or PARSE_ERROR naming the file and a line or path. Nothing else. */
async function expectSnapshotsOrParseError(source: InventorySource, bytes: Uint8Array, chunk: number) {
  const input = textInput(bytes, 'fuzzed.input', chunk);
  let snapshots: InventorySnapshot[];
  try {
    snapshots = await collect(source, input);
  } catch (error) {
    if (!(error instanceof AppbanError)) throw error;
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location?.file).toBe('fuzzed.input');
    const { line, path } = error.location ?? {};
    expect(line !== undefined ? Number.isInteger(line) && line >= 1 : typeof path === 'string').toBe(true);
    return;
  }
  for (const snapshot of snapshots) expectWellFormed(snapshot, source.name);
}

const SYNTAX = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\n',
  '\r\n',
  'null',
  '0',
  '-1e999',
  'true',
  '\\',
  '\\u',
  'é',
  '😀',
  '""',
  '\u0000',
];

type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; byte: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'lines'; at: number; other: number; how: 'swap' | 'duplicate' | 'drop' };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...SYNTAX), fc.string()),
  }),
  fc.record({
    op: fc.constant('lines' as const),
    at: fc.nat(),
    other: fc.nat(),
    how: fc.constantFrom('swap' as const, 'duplicate' as const, 'drop' as const),
  }),
);

function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Buffer.from(original);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    switch (m.op) {
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'flip':
        if (bytes.length > 0) bytes[at % bytes.length] = m.byte;
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
        break;
      case 'lines': {
        const lines = bytes.toString('latin1').split('\n');
        const i = m.at % lines.length;
        const j = m.other % lines.length;
        if (m.how === 'swap') [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        else if (m.how === 'duplicate') lines.splice(j, 0, lines[i] ?? '');
        else lines.splice(i, 1);
        bytes = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
    }
  }
  return bytes;
}

function fuzz(source: InventorySource, seeds: readonly string[]) {
  const seedBytes = seeds.map((seed) => Buffer.from(seed));
  it('survives mutated valid files: snapshots or PARSE_ERROR, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seedBytes),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 300 }),
        async (seed, mutations, chunk) => expectSnapshotsOrParseError(source, mutate(seed, mutations), chunk),
      ),
      { numRuns: RUNS },
    );
  });

  it('survives random bytes and random text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.string({ unit: 'binary', maxLength: 400 }).map((text) => Buffer.from(text)),
          fc
            .array(fc.constantFrom(...SYNTAX, 'a', ' ', 'hosts', 'host', 'software', 'columns'), {
              maxLength: 80,
            })
            .map((parts) => Buffer.from(parts.join(''))),
        ),
        fc.integer({ min: 0, max: 50 }),
        async (bytes, chunk) => expectSnapshotsOrParseError(source, bytes, chunk),
      ),
      { numRuns: RUNS },
    );
  });
}

// Valid files to mutate: hand-made ones with TikTok-family rows, and the real samples.
const T0 = 1_678_406_400;
const capcut = {
  name: 'CapCut.app',
  path: '/Applications/CapCut.app',
  bundle_identifier: 'com.lemon.lvoverseas',
  bundle_short_version: '3.9.0',
};
const header = {
  hostIdentifier: 'mac-01',
  epoch: '0',
  decorations: { host_uuid: 'U-1', hostname: 'mac-01', os_name: 'macOS' },
};
const osquerySeeds = [
  jsonLines([
    { name: 'apps', ...header, unixTime: String(T0), counter: '0', columns: capcut, action: 'added' },
    { name: 'apps', ...header, unixTime: T0 + 60, counter: 1, columns: capcut, action: 'removed' },
    {
      name: 'programs',
      hostIdentifier: 'pc',
      unixTime: T0,
      counter: 3,
      columns: { name: 'TikTok', version: '1', publisher: 'ByteDance' },
      action: 'added',
    },
    {
      name: 'apps',
      ...header,
      unixTime: T0 + 120,
      counter: 2,
      diffResults: { added: [capcut], removed: [] },
    },
    {
      name: 'chrome_extensions',
      hostIdentifier: 'c',
      calendarTime: 'Fri Mar 10 00:00:00 2023 UTC',
      action: 'snapshot',
      snapshot: [{ identifier: 'abcdefghijklmnopabcdefghijklmnop', name: 'x', profile: 'Default' }],
    },
  ]),
];
const fleetSeeds = [
  JSON.stringify(
    {
      hosts: [
        {
          id: 1,
          uuid: 'U-1',
          platform: 'ios',
          software_updated_at: '2023-03-10T00:00:00Z',
          mdm: { enrollment_status: 'On (personal)' },
          team_name: 'federal',
          software: [
            {
              name: 'TikTok',
              version: '28',
              source: 'ios_apps',
              bundle_identifier: 'com.zhiliaoapp.musically',
            },
          ],
        },
        {
          id: 2,
          platform: 'android',
          seen_time: '2023-03-10T00:00:00Z',
          software: [{ name: 'TikTok', source: 'android_apps', application_id: 'com.zhiliaoapp.musically' }],
        },
      ],
    },
    null,
    1,
  ),
  JSON.stringify({
    host: {
      id: 3,
      uuid: 'U-3',
      platform: 'darwin',
      seen_time: '2023-03-10T00:00:00Z',
      software: [{ name: 'CapCut.app', source: 'apps', bundle_identifier: 'com.lemon.lvoverseas' }],
    },
  }),
];
const csvSeeds = [
  [
    'device_id,device_name,holder,group,ownership,platform,app_id,app_name,version,observed_at',
    'IPH-1,"Bob, iPhone",bob,federal,owned,ios,com.zhiliaoapp.musically,TikTok,28.4.0,2023-03-10T09:00:00Z',
    'IPH-1,,,,,ios,com.lemon.lvoverseas,"Cap""Cut",1,2023-03-10T09:00:00Z',
    'PC-1,,,,paid,windows,BytedancePte.Ltd.TikTok_6yccndn6064se,TikTok,,2023-03-10',
    'LNX-1,,,,,linux,,,,2023-03-11',
  ].join('\r\n'),
];
if (samplesAvailable) {
  osquerySeeds.push(
    readFileSync(
      sample('osquery', 'result-logs', 'elastic-beats_filebeat_module_osquery_result_test_test.log'),
      'utf8',
    ),
  );
  const software = readFileSync(sample('fleet', 'cmd_osquery-perf_macos_vulnerable-software.json'), 'utf8');
  fleetSeeds.push(
    software,
    `{"host":{"id":9,"seen_time":"2024-07-01T00:00:00Z",${software.trim().slice(1)}}`,
  );
}

describe('osquery parser under random and mutated input', () => fuzz(osquerySource, osquerySeeds));
describe('Fleet parser under random and mutated input', () => {
  fuzz(fleetSource, fleetSeeds);

  it('survives arbitrary JSON where hosts and software are expected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((value) => ({ hosts: [value] })),
          fc.jsonValue().map((value) => ({ host: value })),
          fc
            .dictionary(fc.string(), fc.jsonValue())
            .map((host) => ({ host: { id: 1, seen_time: '2023-01-01T00:00:00Z', ...host } })),
          fc
            .array(fc.jsonValue())
            .map((software) => ({ host: { id: 1, seen_time: '2023-01-01T00:00:00Z', software } })),
        ),
        async (value) => expectSnapshotsOrParseError(fleetSource, Buffer.from(JSON.stringify(value)), 0),
      ),
      { numRuns: RUNS },
    );
  });
});
describe('CSV parser under random and mutated input', () => {
  fuzz(csvSource, csvSeeds);

  it('survives random tables with valid quoting', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'ios', 'android', 'windows', 'owned', 'byod', '2023-03-10', 'D1', 'com.x'),
      fc.string(),
    );
    const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([
          'device_id',
          'platform',
          'app_id',
          'observed_at',
          'device_name',
          'ownership',
          'version',
        ]),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        async (columns, rows) => {
          const text = [columns.join(','), ...rows.map((row) => row.map(quote).join(','))].join('\n');
          await expectSnapshotsOrParseError(csvSource, Buffer.from(text), 0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
