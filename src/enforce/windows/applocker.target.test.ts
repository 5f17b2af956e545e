import { DOMParser, type Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xmllint } from '../../../test/enforce-apple/debian-tools.js';
import { makeBan } from '../../../test/support/bans.js';
import { shortRevision } from '../../bans/ban.revision.js';
import type { Ban } from '../../bans/ban.types.js';
import { buildCatalog, loadCatalog } from '../../catalog/catalog.loader.js';
import type { Catalog } from '../../catalog/catalog.types.js';
import { AppbanError } from '../../lib/errors.js';
import { enforcementContext } from '../enforce.context.js';
import type { TargetOutput } from '../target.types.js';
import { appLockerGrouping, storeAppsPolicyUri, windowsAppLockerTarget } from './applocker.target.js';

const generate = (ban: Ban = makeBan(), catalog: Catalog = loadCatalog()) =>
  windowsAppLockerTarget.generate(enforcementContext(ban, catalog));

const content = (output: TargetOutput, suffix: string) => {
  const found = output.artifacts.find((artifact) => artifact.fileName.endsWith(suffix));
  if (!found) throw new Error(`no artifact ${suffix}`);
  return found.content;
};

const parseXml = (xml: string) =>
  new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');

const children = (element: Element, name: string) =>
  Array.from(element.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && node.nodeName === name,
  );

const only = (element: Element, name: string): Element => {
  const [first, ...rest] = children(element, name);
  if (!first || rest.length > 0) throw new Error(`expected one <${name}> in <${element.nodeName}>`);
  return first;
};

interface Rule {
  id: string;
  action: string;
  sid: string;
  publisher: string;
  product: string;
  binary: string;
  low: string;
  high: string;
}

function rulesOf(collection: Element): Rule[] {
  return children(collection, 'FilePublisherRule').map((rule) => {
    const condition = only(only(rule, 'Conditions'), 'FilePublisherCondition');
    const range = only(condition, 'BinaryVersionRange');
    return {
      id: rule.getAttribute('Id') ?? '',
      action: rule.getAttribute('Action') ?? '',
      sid: rule.getAttribute('UserOrGroupSid') ?? '',
      publisher: condition.getAttribute('PublisherName') ?? '',
      product: condition.getAttribute('ProductName') ?? '',
      binary: condition.getAttribute('BinaryName') ?? '',
      low: range.getAttribute('LowSection') ?? '',
      high: range.getAttribute('HighSection') ?? '',
    };
  });
}

function collectionOf(policyXml: string): Element {
  const root = parseXml(policyXml).documentElement;
  if (root === null) throw new Error('no document element');
  expect(root.nodeName).toBe('AppLockerPolicy');
  expect(root.getAttribute('Version')).toBe('1');
  return only(root, 'RuleCollection');
}

/**
 * A model of how AppLocker decides for a packaged app, as Microsoft documents it: an explicit Deny
 * wins over any Allow; otherwise an explicit Allow runs the app; otherwise, once the collection
 * has any rule, the app is implicitly blocked.
 */
function decide(
  rules: Rule[],
  app: { publisher: string; name: string; version: string },
): 'deny' | 'allow' | 'implicit-deny' {
  const versionAtLeast = (version: string, low: string) => low === '*' || compareVersions(version, low) >= 0;
  const versionAtMost = (version: string, high: string) =>
    high === '*' || compareVersions(version, high) <= 0;
  const matches = (rule: Rule) =>
    (rule.publisher === '*' || rule.publisher === app.publisher) &&
    (rule.product === '*' || rule.product.toLowerCase() === app.name.toLowerCase()) &&
    versionAtLeast(app.version, rule.low) &&
    versionAtMost(app.version, rule.high);
  if (rules.some((rule) => rule.action === 'Deny' && matches(rule))) return 'deny';
  if (rules.some((rule) => rule.action === 'Allow' && matches(rule))) return 'allow';
  return rules.length > 0 ? 'implicit-deny' : 'allow';
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

const TIKTOK = {
  publisher: 'CN=Unknown TikTok publisher',
  name: 'BytedancePte.Ltd.TikTok',
  version: '1.2.3.0',
};
const CALCULATOR = {
  publisher: 'CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US',
  name: 'Microsoft.WindowsCalculator',
  version: '11.2307.4.0',
};

describe('windows-applocker: the policy', () => {
  const output = generate();
  const policy = content(output, '-applocker.xml');
  const collection = collectionOf(policy);
  const rules = rulesOf(collection);

  it('is one enforced packaged-app rule collection', () => {
    expect(collection.getAttribute('Type')).toBe('Appx');
    expect(collection.getAttribute('EnforcementMode')).toBe('Enabled');
  });

  it('denies TikTok’s package identity for any publisher, every version, for Everyone', () => {
    const denies = rules.filter((rule) => rule.action === 'Deny');
    expect(denies).toEqual([
      expect.objectContaining({
        product: 'BytedancePte.Ltd.TikTok',
        publisher: '*',
        binary: '*',
        low: '*',
        high: '*',
        sid: 'S-1-1-0',
      }),
    ]);
  });

  it('keeps every other packaged app running with one allow-all rule, which the deny still beats', () => {
    const allows = rules.filter((rule) => rule.action === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        publisher: '*',
        product: '*',
        binary: '*',
        low: '0.0.0.0',
        high: '*',
        sid: 'S-1-1-0',
      }),
    ]);
    expect(decide(rules, TIKTOK)).toBe('deny');
    expect(decide(rules, CALCULATOR)).toBe('allow');
    // Why the allow rule is there: without it the Deny-only collection blocks the calculator too.
    expect(
      decide(
        rules.filter((rule) => rule.action === 'Deny'),
        CALCULATOR,
      ),
    ).toBe('implicit-deny');
  });

  it('gives each rule a distinct GUID that does not change with the revision', () => {
    const ids = rules.map((rule) => rule.id);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const revised = rulesOf(
      collectionOf(content(generate(makeBan({ title: 'Revised title' })), '-applocker.xml')),
    );
    expect(revised.map((rule) => rule.id)).toEqual(ids);
    const otherBan = rulesOf(collectionOf(content(generate(makeBan({ id: 'other-ban' })), '-applocker.xml')));
    for (const id of otherBan.map((rule) => rule.id)) expect(ids).not.toContain(id);
  });

  it('names the ban, its title and revision in the deny rule', () => {
    const deny = children(collection, 'FilePublisherRule').find(
      (rule) => rule.getAttribute('Action') === 'Deny',
    );
    const description = deny?.getAttribute('Description') ?? '';
    expect(description).toContain('TikTok on federal government devices');
    expect(description).toContain(`revision ${shortRevision(makeBan())}`);
    expect(deny?.getAttribute('Name')).toContain('be-federal-tiktok-2023');
  });

  it('is byte-identical for the same ban', () => {
    expect(generate().artifacts).toEqual(output.artifacts);
  });
});

describe('windows-applocker: the CSP setting', () => {
  const output = generate();
  const csp = JSON.parse(content(output, '-applocker-csp.json')) as Record<string, unknown>;

  it('addresses the StoreApps Policy node under a Grouping fixed per ban', () => {
    const grouping = appLockerGrouping('be-federal-tiktok-2023');
    expect(csp.omaUri).toBe(
      `./Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions/${grouping}/StoreApps/Policy`,
    );
    expect(csp.omaUri).toBe(storeAppsPolicyUri(grouping));
    expect(csp.dataType).toBe('String');
    expect(grouping).toMatch(/^[0-9A-F-]{36}$/);
    const revised = JSON.parse(
      content(generate(makeBan({ title: 'Revised' })), '-applocker-csp.json'),
    ) as Record<string, unknown>;
    expect(revised.omaUri).toBe(csp.omaUri);
    expect(appLockerGrouping('another-ban')).not.toBe(grouping);
    expect(output.notes.join('\n')).toContain(String(csp.omaUri));
    expect(output.deployTo).toContain(String(csp.omaUri));
  });

  it('carries exactly the RuleCollection of the policy file as its value', () => {
    const value = String(csp.value);
    const standalone = parseXml(value).documentElement;
    expect(standalone?.nodeName).toBe('RuleCollection');
    const fromFile = rulesOf(collectionOf(content(output, '-applocker.xml')));
    expect(rulesOf(standalone as Element)).toEqual(fromFile);
  });
});

describe('windows-applocker: catalog edge cases', () => {
  const windowsCatalog = (identifiers: Record<string, string>[]) =>
    buildCatalog([
      {
        name: 'w.yaml',
        content: {
          publisher: { id: 'wcorp', name: 'W Corp', country: 'US', source: 's' },
          apps: [
            {
              id: 'wapp',
              name: 'W App',
              identifiers: identifiers.map((entry) => ({
                platform: 'windows',
                confidence: 'high',
                source: 's',
                ...entry,
              })),
            },
          ],
        },
      },
    ]);
  const wBan = makeBan({ targets: [{ app: 'wapp', includeUnconfirmed: false }] });

  it('derives the identity name from a package family name and merges duplicates', () => {
    const catalog = windowsCatalog([
      { kind: 'package-family-name', value: 'WCorp.Chat_1a2b3c4d5e6f7' },
      { kind: 'package-name', value: 'wcorp.chat' },
    ]);
    const rules = rulesOf(collectionOf(content(generate(wBan, catalog), '-applocker.xml')));
    expect(rules.filter((rule) => rule.action === 'Deny').map((rule) => rule.product)).toEqual([
      'WCorp.Chat',
    ]);
  });

  it('rejects a malformed package name as a catalog defect', () => {
    const catalog = windowsCatalog([{ kind: 'package-name', value: 'bad name" with quote' }]);
    expect(() => generate(wBan, catalog)).toThrowError(/not a package identity name/);
  });

  it('refuses a ban with no Windows package identity, naming what the app has instead', () => {
    const catalog = windowsCatalog([{ kind: 'signer', value: 'CN=W Corp' }]);
    try {
      generate(wBan, catalog);
      throw new Error('expected TARGET_NOT_APPLICABLE');
    } catch (error) {
      expect(error).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('TARGET_NOT_APPLICABLE');
      expect((error as AppbanError).message).toMatch(/W App has only signer CN=W Corp \(high\)/);
    }
    expect(() => generate(makeBan({ targets: [{ app: 'lemon8', includeUnconfirmed: false }] }))).toThrowError(
      /Lemon8 has no Windows identifier/,
    );
  });

  it('refuses a ban scoped away from Windows', () => {
    const base = makeBan();
    expect(() => generate(makeBan({ scope: { ...base.scope, platforms: ['ios'] } }))).toThrowError(
      /not windows/,
    );
  });

  it('notes what AppLocker cannot use: Store product IDs and Authenticode signers', () => {
    const notes = generate(
      makeBan({ targets: [{ publisher: 'bytedance', includeUnconfirmed: false }] }),
    ).notes.join('\n');
    expect(notes).toMatch(/9NH2GPH4JZS4/);
    expect(notes).toMatch(/Authenticode signers .*Bytedance Pte\. Ltd\./);
  });

  it('keeps any title well-formed in the XML and the JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const output = generate(makeBan({ title: `${text}&<>"'` }));
        const rules = collectionOf(content(output, '-applocker.xml'));
        const deny = children(rules, 'FilePublisherRule')[0];
        expect(deny?.getAttribute('Description')).toContain(`&<>"'`);
        const csp = JSON.parse(content(output, '-applocker-csp.json')) as { value: string };
        expect(parseXml(csp.value).documentElement?.nodeName).toBe('RuleCollection');
      }),
      { numRuns: 100 },
    );
  });
});

describe.skipIf(!xmllint.available)('windows-applocker: read by libxml2', () => {
  it('is well-formed XML for xmllint, the policy file and the CSP value alike', () => {
    const output = generate(makeBan({ title: 'R&D "lab" <ban>' }));
    for (const xml of [
      content(output, '-applocker.xml'),
      (JSON.parse(content(output, '-applocker-csp.json')) as { value: string }).value,
    ]) {
      const result = xmllint.spawn(['--noout', '--nonet', '-'], xml);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('would be caught by the same check if it were broken', () => {
    const broken = content(generate(), '-applocker.xml').replace('</RuleCollection>', '');
    expect(xmllint.spawn(['--noout', '--nonet', '-'], broken).status).not.toBe(0);
  });
});
