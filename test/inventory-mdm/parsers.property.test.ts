import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_PLATFORMS } from '../../src/catalog/catalog.types.js';
import { amapiSource } from '../../src/inventory/amapi/amapi.source.js';
import { appleMdmSource } from '../../src/inventory/apple-mdm/apple-mdm.source.js';
import { intuneSource } from '../../src/inventory/intune/intune.source.js';
import { jamfSource } from '../../src/inventory/jamf/jamf.source.js';
import { santaSource } from '../../src/inventory/santa/santa.source.js';
import type { InventorySnapshot, InventorySource } from '../../src/inventory/snapshot.types.js';
import { AppbanError } from '../../src/lib/errors.js';
import { DEVICES_PAGE } from './amapi-fixtures.js';
import { DETECTED_APPS_PAGE, MANAGED_DEVICES_PAGE } from './intune-fixtures.js';
import { COMPUTERS_PAGE, MOBILE_DEVICE_DETAIL, MOBILE_DEVICES_PAGE } from './jamf-fixtures.js';
import { IOS_INSTALLED_APPS, type PlistValue, plist } from './plists.js';
import { parseAll } from './support.js';

/**
 * Whatever bytes arrive, a parser either returns well-formed snapshots or throws an AppbanError
 * PARSE_ERROR or UNSAFE_XML naming the file; never a TypeError, a RangeError or a hang.
 */
const RUNS = 150;
const PLATFORMS = new Set<string>([...DEVICE_PLATFORMS, 'unknown']);
const KINDS = new Set(['bundle-id', 'package', 'display-name', 'team-id', 'signing-id', 'program']);

const SANTA_UPLOAD = {
  machine_id: '50C7E1EB-2EF5-42D4-A084-A7966FC45A95',
  events: [
    {
      file_sha256: 'a3f1c0de5b7a9e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b1a3f5e7d9c1b3a5f7e9d',
      file_path: '/Applications/TikTok.app/Wrapper/TikTok.app/TikTok',
      executing_user: 'jpeeters',
      execution_time: 1710061200.25,
      decision: 'BLOCK_TEAMID',
      file_bundle_id: 'com.zhiliaoapp.musically',
      file_bundle_name: 'TikTok',
      signing_id: 'ZZZZ11TEST:com.zhiliaoapp.musically',
      team_id: 'ZZZZ11TEST',
    },
  ],
};

const JSON_CASES: [string, InventorySource, unknown][] = [
  ['amapi', amapiSource, DEVICES_PAGE],
  ['jamf computers', jamfSource, COMPUTERS_PAGE],
  ['jamf mobile', jamfSource, MOBILE_DEVICES_PAGE],
  ['jamf detail', jamfSource, MOBILE_DEVICE_DETAIL],
  ['intune devices', intuneSource, MANAGED_DEVICES_PAGE],
  ['intune apps', intuneSource, DETECTED_APPS_PAGE],
  ['santa', santaSource, SANTA_UPLOAD],
];

const SOURCES: [string, InventorySource][] = [
  ['apple-mdm', appleMdmSource],
  ['amapi', amapiSource],
  ['jamf', jamfSource],
  ['intune', intuneSource],
  ['santa', santaSource],
];

async function outcome(source: InventorySource, content: string | Uint8Array): Promise<void> {
  let snapshots: InventorySnapshot[];
  try {
    snapshots = await parseAll(source, content, 'fuzz.input');
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    const appban = error as AppbanError;
    expect(['PARSE_ERROR', 'UNSAFE_XML']).toContain(appban.code);
    expect(appban.location?.file).toBe('fuzz.input');
    return;
  }
  for (const snapshot of snapshots) expectWellFormed(snapshot, source.name);
}

function expectWellFormed(snapshot: InventorySnapshot, source: string): void {
  expect(snapshot.source).toBe(source);
  expect(typeof snapshot.device.sourceDeviceId).toBe('string');
  expect(snapshot.device.sourceDeviceId.length).toBeGreaterThan(0);
  expect(PLATFORMS.has(snapshot.device.platform)).toBe(true);
  expect(new Date(snapshot.observedAt).toISOString()).toBe(snapshot.observedAt);
  expect(['full', 'partial']).toContain(snapshot.coverage);
  for (const app of snapshot.apps) {
    expect(KINDS.has(app.kind)).toBe(true);
    expect(typeof app.value).toBe('string');
    expect(app.value.length).toBeGreaterThan(0);
    for (const field of [app.name, app.version, app.publisher]) {
      if (field !== undefined) expect(typeof field).toBe('string');
    }
  }
}

/** Cuts, deletes, inserts or replaces characters of a valid text. */
const textMutation = (text: string) =>
  fc.oneof(
    fc.nat({ max: text.length }).map((at) => text.slice(0, at)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.nat({ max: 40 }))
      .map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.string({ minLength: 1, maxLength: 8 }))
      .map(([at, insert]) => text.slice(0, at) + insert + text.slice(at)),
    fc
      .tuple(
        fc.nat({ max: text.length }),
        fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '<', '>', '&', '\\', '\u0000'),
      )
      .map(([at, char]) => text.slice(0, at) + char + text.slice(at + 1)),
  );

/** Every path to a value inside a JSON document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value))
    return here.concat(value.flatMap((item, index) => paths(item, [...prefix, index])));
  if (typeof value === 'object' && value !== null) {
    return here.concat(Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key])));
  }
  return here;
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value))
    return value.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: replaceAt(record[head], rest, replacement) };
}

/** Replaces one value anywhere in a valid document with an arbitrary JSON value. */
const valueMutation = (document: unknown) => {
  const all = paths(document);
  return fc
    .tuple(fc.nat({ max: all.length - 1 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([index, replacement]) => JSON.stringify(replaceAt(document, all[index] ?? [], replacement)));
};

const plistTree: fc.Arbitrary<PlistValue> = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'UDID',
        'Status',
        'InstalledApplicationList',
        'Identifier',
        'Name',
        'ShortVersion',
        'EnrollmentID',
        'x',
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('parsers hold up against random and mutated input', () => {
  for (const [name, source] of SOURCES) {
    it(`${name}: arbitrary text and bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), fc.json()),
          (input) => outcome(source, input),
        ),
        { numRuns: RUNS },
      );
    });
  }

  for (const [name, source, document] of JSON_CASES) {
    it(`${name}: mutated text of a valid export`, async () => {
      await fc.assert(
        fc.asyncProperty(textMutation(JSON.stringify(document, null, 1)), (input) => outcome(source, input)),
        { numRuns: RUNS },
      );
    });

    it(`${name}: a value anywhere replaced by arbitrary JSON`, async () => {
      await fc.assert(
        fc.asyncProperty(valueMutation(document), (input) => outcome(source, input)),
        { numRuns: RUNS },
      );
    });
  }

  it('apple-mdm: mutated text of a valid response', async () => {
    await fc.assert(
      fc.asyncProperty(textMutation(plist(IOS_INSTALLED_APPS)), (input) => outcome(appleMdmSource, input)),
      { numRuns: RUNS },
    );
  });

  it('apple-mdm: random plist trees', async () => {
    await fc.assert(
      fc.asyncProperty(plistTree, (tree) => outcome(appleMdmSource, plist(tree))),
      { numRuns: RUNS },
    );
  });

  it('apple-mdm: a declaration injected anywhere is UNSAFE_XML or a parse error, never expanded', async () => {
    const text = plist(IOS_INSTALLED_APPS);
    const injections = fc.constantFrom(
      '<!ENTITY x SYSTEM "file:///etc/passwd">',
      '<!DOCTYPE x [<!ENTITY y "z">]>',
      '&xxe;',
      '<?xml-stylesheet href="http://example.invalid/x.xsl"?>',
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: text.length }), injections, async (at, injection) => {
        const hostile = text.slice(0, at) + injection + text.slice(at);
        try {
          await parseAll(appleMdmSource, hostile, 'fuzz.input');
        } catch (error) {
          expect(['UNSAFE_XML', 'PARSE_ERROR']).toContain((error as AppbanError).code);
          return;
        }
        throw new Error(`accepted ${JSON.stringify(injection)} at ${at}`);
      }),
      { numRuns: RUNS },
    );
  });
});
