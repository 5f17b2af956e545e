import { readFileSync } from 'node:fs';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { shortRevision } from '../../src/bans/ban.revision.js';
import { buildCatalog, loadCatalog } from '../../src/catalog/catalog.loader.js';
import type { Catalog } from '../../src/catalog/catalog.types.js';
import { SANTA_PAYLOAD_TYPE, santaTarget } from '../../src/enforce/santa/santa.target.js';
import { AppbanError } from '../../src/lib/errors.js';
import { makeBan } from '../support/bans.js';
import { sample, samplesAvailable } from '../support/samples.js';
import { plistutil, xmllint } from './debian-tools.js';
import {
  artifact,
  asDict,
  type Dict,
  generate,
  isDict,
  parseProfile,
  payloads,
  payloadUuids,
  plistutilRoundTrip,
  UUID,
} from './profile-reading.js';

const TEAM_ID = 'ABCDE12345';
const SIGNING_ID = `${TEAM_ID}:com.example.chatter`;

/** A publisher whose Mac app has a Team ID and a Signing ID: what the real catalog lacks for TikTok. */
function syntheticCatalog(extra: Record<string, unknown>[] = []): Catalog {
  const id = (platform: string, kind: string, value: string, confidence = 'high') => ({
    platform,
    kind,
    value,
    confidence,
    source: 'synthetic test catalog',
  });
  return buildCatalog([
    {
      name: 'example.yaml',
      content: {
        publisher: { id: 'examplecorp', name: 'Example Corp', country: 'US', source: 'synthetic' },
        apps: [
          {
            id: 'chatter',
            name: 'Chatter',
            identifiers: [
              id('macos', 'team-id', TEAM_ID.toLowerCase()),
              id('macos', 'signing-id', SIGNING_ID),
              id('macos', 'bundle-id', 'com.example.chatter'),
              id('ios', 'bundle-id', 'com.example.chatter'),
              ...extra,
            ],
          },
          {
            id: 'notes',
            name: 'Example Notes',
            identifiers: [id('android', 'package', 'com.example.notes')],
          },
        ],
      },
    },
  ]);
}

const chatterBan = (overrides: Parameters<typeof makeBan>[0] = {}) =>
  makeBan({
    id: 'example-chatter',
    title: 'Chatter on government Macs',
    targets: [{ app: 'chatter', includeUnconfirmed: false }],
    ...overrides,
  });

/**
 * One reader for every ruledownload body, ours and Santa's own fixtures: the JSON names of the
 * RuleDownloadResponse and Rule messages (northpolesec/protos sync/v1.proto), strict so that an
 * unknown key fails.
 */
const ruleReader = z.strictObject({
  rule_type: z.enum(['BINARY', 'CERTIFICATE', 'TEAMID', 'SIGNINGID', 'CDHASH']),
  policy: z.enum([
    'ALLOWLIST',
    'ALLOWLIST_COMPILER',
    'BLOCKLIST',
    'SILENT_BLOCKLIST',
    'REMOVE',
    'CEL',
    'SILENT_GUI_BLOCKLIST',
    'SILENT_TTY_BLOCKLIST',
    'WHITELIST',
    'WHITELIST_COMPILER',
    'BLACKLIST',
    'SILENT_BLACKLIST',
  ]),
  identifier: z.string().min(1).optional(),
  sha256: z.string().optional(),
  custom_msg: z.string().optional(),
  custom_url: z.string().optional(),
  cel_expr: z.string().optional(),
});
const ruleDownloadReader = z.strictObject({ rules: z.array(ruleReader), cursor: z.string().optional() });
const readRuleDownload = (text: string) => ruleDownloadReader.parse(JSON.parse(text));

describe('santa: rules for a ban with Team and Signing IDs', () => {
  const output = generate(santaTarget, chatterBan(), syntheticCatalog());

  it('writes BLOCKLIST rules by Team ID and Signing ID in the ruledownload shape, naming the ban', () => {
    const body = readRuleDownload(artifact(output, '-rules.json'));
    expect(body.cursor).toBeUndefined();
    expect(body.rules.map((rule) => [rule.rule_type, rule.identifier, rule.policy])).toEqual([
      ['TEAMID', TEAM_ID, 'BLOCKLIST'],
      ['SIGNINGID', SIGNING_ID, 'BLOCKLIST'],
    ]);
    for (const rule of body.rules) {
      expect(rule.custom_msg).toContain('Chatter on government Macs');
      expect(rule.custom_msg).toContain('example-chatter');
      expect(rule.custom_msg).toContain(shortRevision(chatterBan()));
    }
  });

  it('writes REMOVE rules for the same identifiers, for excepted Macs and for the end of the ban', () => {
    const remove = readRuleDownload(artifact(output, '-remove-rules.json'));
    expect(remove.rules).toEqual([
      { rule_type: 'TEAMID', policy: 'REMOVE', identifier: TEAM_ID },
      { rule_type: 'SIGNINGID', policy: 'REMOVE', identifier: SIGNING_ID },
    ]);
  });

  it('puts the same rules in a com.northpolesec.santa profile as StaticRules', () => {
    const profile = parseProfile(artifact(output, '.mobileconfig'));
    expect(profile.PayloadType).toBe('Configuration');
    expect(profile.PayloadVersion).toBe(1);
    expect(profile.PayloadScope).toBe('System');
    const [payload, ...others] = payloads(profile);
    expect(others).toHaveLength(0);
    expect(payload?.PayloadType).toBe(SANTA_PAYLOAD_TYPE);
    const staticRules = payload?.StaticRules;
    expect(Array.isArray(staticRules)).toBe(true);
    const rules = readRuleDownload(artifact(output, '-rules.json')).rules;
    expect(staticRules).toEqual(
      rules.map((rule) => ({
        identifier: rule.identifier,
        policy: rule.policy,
        rule_type: rule.rule_type,
        custom_msg: rule.custom_msg,
      })),
    );
    for (const uuid of payloadUuids(profile)) expect(uuid).toMatch(UUID);
    expect(new Set(payloadUuids(profile)).size).toBe(2);
    expect(String(profile.PayloadDescription)).toContain('example-chatter');
  });

  it('tells the operator what Santa cannot use and which apps stay unblocked', () => {
    const ban = chatterBan({ targets: [{ publisher: 'examplecorp', includeUnconfirmed: false }] });
    const notes = generate(santaTarget, ban, syntheticCatalog()).notes.join('\n');
    expect(notes).toMatch(/bundle IDs are not rules Santa knows.*com\.example\.chatter/);
    expect(notes).toMatch(/No macOS Team ID or Signing ID .* for Example Notes/);
  });

  it('explains exceptions with what Santa supports: scoping by delivery, REMOVE rules, no device field', () => {
    const ban = chatterBan({
      exceptions: [
        {
          id: 'lab-macs',
          subjects: { devices: ['C02XYZ'] },
          reason: 'security-research',
          approvedBy: 'CISO',
          expires: '2024-01-31',
        },
      ],
    });
    const lines = generate(santaTarget, ban, syntheticCatalog()).exceptions.join('\n');
    expect(lines).toMatch(/no device scope/);
    expect(lines).toMatch(/StaticRules always take precedence/);
    expect(lines).toMatch(/example-chatter-remove-rules\.json/);
    expect(lines).toMatch(/lab-macs.*C02XYZ/);
  });

  it('is byte-identical for the same ban and changes its UUIDs, not its identifier, with the revision', () => {
    const again = generate(santaTarget, chatterBan(), syntheticCatalog());
    expect(again.artifacts).toEqual(output.artifacts);
    const revised = generate(santaTarget, chatterBan({ title: 'Chatter, revised' }), syntheticCatalog());
    const before = parseProfile(artifact(output, '.mobileconfig'));
    const after = parseProfile(artifact(revised, '.mobileconfig'));
    for (const uuid of payloadUuids(after)) expect(payloadUuids(before)).not.toContain(uuid);
    expect(after.PayloadIdentifier).toBe(before.PayloadIdentifier);
  });
});

describe('santa: when the catalog has nothing Santa can match', () => {
  const expectNotApplicable = (run: () => unknown, pattern: RegExp) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('TARGET_NOT_APPLICABLE');
      expect((error as AppbanError).message).toMatch(pattern);
      return;
    }
    throw new Error('expected TARGET_NOT_APPLICABLE, and the target wrote artifacts');
  };

  it('refuses the real TikTok ban, naming the app that has no macOS identifier', () => {
    expectNotApplicable(
      () => generate(santaTarget, makeBan(), loadCatalog()),
      /TikTok has no macOS identifier/,
    );
  });

  it('refuses CapCut, whose only macOS identifier is a bundle ID, and says Santa cannot use it', () => {
    const ban = makeBan({ targets: [{ app: 'capcut', includeUnconfirmed: false }] });
    expectNotApplicable(
      () => generate(santaTarget, ban, loadCatalog()),
      /CapCut has only bundle-id com\.lemon\.lvoverseas.*never by bundle ID/,
    );
  });

  it('refuses a Team ID the ban does not trust, and shows its confidence', () => {
    const catalog = buildCatalog([
      {
        name: 'shy.yaml',
        content: {
          publisher: { id: 'shy', name: 'Shy', country: 'US', source: 'synthetic' },
          apps: [
            {
              id: 'shyapp',
              name: 'Shy App',
              identifiers: [
                {
                  platform: 'macos',
                  kind: 'team-id',
                  value: 'ZZZZZ99999',
                  confidence: 'unconfirmed',
                  source: 'x',
                },
              ],
            },
          ],
        },
      },
    ]);
    const ban = makeBan({ targets: [{ app: 'shyapp', includeUnconfirmed: false }] });
    expectNotApplicable(() => generate(santaTarget, ban, catalog), /team-id ZZZZZ99999 \(unconfirmed\)/);
    const optedIn = makeBan({ targets: [{ app: 'shyapp', includeUnconfirmed: true }] });
    expect(
      readRuleDownload(artifact(generate(santaTarget, optedIn, catalog), '-rules.json')).rules,
    ).toHaveLength(1);
  });

  it('refuses a ban scoped away from macOS', () => {
    const base = makeBan();
    const ban = chatterBan({ scope: { ...base.scope, platforms: ['ios'] } });
    expectNotApplicable(() => generate(santaTarget, ban, syntheticCatalog()), /not macos/);
  });

  it('rejects a malformed Team ID as a catalog defect instead of writing a rule Santa would refuse', () => {
    const catalog = syntheticCatalog([
      { platform: 'macos', kind: 'team-id', value: 'TOO-SHORT', confidence: 'high', source: 'x' },
    ]);
    expect(() => generate(santaTarget, chatterBan(), catalog)).toThrowError(/Santa would reject/);
  });
});

describe.skipIf(!plistutil.available || !xmllint.available)(
  'santa: the profile read by libplist and libxml2',
  () => {
    const profile = artifact(generate(santaTarget, chatterBan(), syntheticCatalog()), '.mobileconfig');

    it('is well-formed XML for xmllint', () => {
      const result = xmllint.spawn(['--noout', '--nonet', '-'], profile);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('survives an XML to binary to XML round trip through plistutil unchanged', () => {
      const { binaryMagic, backToXml } = plistutilRoundTrip(profile);
      expect(binaryMagic).toBe('bplist00');
      expect(parsePlist(backToXml)).toEqual(parsePlist(profile));
    });
  },
);

describe.skipIf(!samplesAvailable)('santa: against Santa’s own rule files and published profiles', () => {
  const samples = [
    'google-santa_sync_ruledownload_batch1.json',
    'google-santa_sync_ruledownload_batch2.json',
    'northpolesec-santa_sync_ruledownload_batch2.json',
    'northpolesec-santa_sync_ruledownload_with_cel_1.json',
  ];

  it('reads the sample ruledownload bodies and ours with the same strict reader', () => {
    const sampleRules = samples.flatMap(
      (file) => readRuleDownload(readFileSync(sample('santa', file), 'utf8')).rules,
    );
    const ours = readRuleDownload(
      artifact(generate(santaTarget, chatterBan(), syntheticCatalog()), '-rules.json'),
    ).rules;
    const sampleKeys = new Set(sampleRules.flatMap((rule) => Object.keys(rule)));
    for (const rule of ours) for (const key of Object.keys(rule)) expect(sampleKeys, key).toContain(key);
    // The sample's Team ID block rule has exactly the keys ours has.
    const teamBlock = sampleRules.find((rule) => rule.rule_type === 'TEAMID' && rule.policy === 'BLOCKLIST');
    expect(Object.keys(teamBlock ?? {}).sort()).toEqual(Object.keys(ours[0] ?? {}).sort());
  });

  it('places StaticRules as Santa’s own example does and uses the rule keys Fleet and Google use', () => {
    const staticRulesOf = (profile: Dict): Dict[] => {
      const found: Dict[] = [];
      const walk = (value: unknown) => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (isDict(value as never)) {
          const dict = value as Dict;
          if (Array.isArray(dict.StaticRules)) found.push(...dict.StaticRules.map(asDict));
          Object.values(dict).forEach(walk);
        }
      };
      walk(profile);
      return found;
    };
    const ours = staticRulesOf(
      parseProfile(artifact(generate(santaTarget, chatterBan(), syntheticCatalog()), '.mobileconfig')),
    );
    expect(ours.length).toBe(2);
    for (const file of [
      'fleet_it-and-security_santa-rules.mobileconfig',
      'google-santa_com.google.santa.example.mobileconfig',
    ]) {
      const theirs = staticRulesOf(parseProfile(readFileSync(sample('santa', file), 'utf8')));
      expect(theirs.length, file).toBeGreaterThan(0);
      for (const rule of theirs) {
        for (const key of Object.keys(rule))
          expect(Object.keys(ours[0] ?? {}), `${file}: ${key}`).toContain(key);
        expect(['TEAMID', 'BINARY', 'CERTIFICATE', 'SIGNINGID', 'CDHASH']).toContain(rule.rule_type);
      }
    }
  });
});
