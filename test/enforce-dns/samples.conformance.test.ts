import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { ADGUARD_RULE, adguardRule, adguardTarget } from '../../src/enforce/dns/adguard.target.js';
import { isBlockableDomain } from '../../src/enforce/dns/dns.common.js';
import { DNSMASQ_NXDOMAIN_RULE, dnsmasqRule, dnsmasqTarget } from '../../src/enforce/dns/dnsmasq.target.js';
import { HOSTS_ENTRY, hostsEntry, hostsTarget } from '../../src/enforce/dns/hosts.target.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import type { EnforcementTarget } from '../../src/enforce/target.types.js';
import { makeBan } from '../support/bans.js';
import { sample, samplesAvailable } from '../support/samples.js';

/**
 * Our syntax against the public lists people already feed to these resolvers: the grammar that
 * reads our rules must read theirs, and where their name is one we would write, we must write
 * their line back exactly.
 */
interface Format {
  target: EnforcementTarget;
  comment: string;
  grammar: RegExp;
  render: (name: string) => string;
  samples: string[];
}

const FORMATS: Format[] = [
  {
    target: adguardTarget,
    comment: '!',
    grammar: ADGUARD_RULE,
    render: adguardRule,
    samples: [
      'dns-blocklists/blocklistproject_adguard_tiktok-ags.txt',
      'dns-blocklists/hagezi-mirror-tuapuikia_adblock_native.tiktok.extended.txt',
    ],
  },
  {
    target: dnsmasqTarget,
    comment: '#',
    grammar: DNSMASQ_NXDOMAIN_RULE,
    // The sample spells the rule server=/d/; dnsmasq(8) defines address=/d/ as its equivalent.
    render: (name) => dnsmasqRule(name).replace(/^address=/, 'server='),
    samples: ['dns-blocklists/blocklistproject_dnsmasq-version_tiktok-dnsmasq.txt'],
  },
  {
    target: hostsTarget,
    comment: '#',
    grammar: HOSTS_ENTRY,
    render: hostsEntry,
    samples: ['dns-blocklists/blocklistproject_tiktok.txt'],
  },
];

function split(content: string, comment: string) {
  const lines = content.split('\n').map((line) => line.replace(/\r$/, ''));
  return {
    comments: lines.filter((line) => line.startsWith(comment)),
    rules: lines.filter((line) => line.trim() !== '' && !line.startsWith(comment)),
  };
}

describe.skipIf(!samplesAvailable)('DNS syntax conformance with public blocklists', () => {
  const ours = enforcementContext(makeBan(), loadCatalog());

  describe.each(FORMATS.map((format) => [format.target.name, format] as const))('%s', (_name, format) => {
    it.each(format.samples)(
      'reads every rule of %s with our grammar and writes LDH names back byte for byte',
      (file) => {
        const { comments, rules } = split(readFileSync(sample(file), 'utf8'), format.comment);
        expect(rules.length).toBeGreaterThan(300);
        expect(comments[0]).toMatch(new RegExp(`^\\${format.comment} Title: `));
        const rejected: string[] = [];
        for (const line of rules) {
          const name = format.grammar.exec(line)?.[1];
          expect(name, line).toBeDefined();
          if (name === undefined) continue;
          if (isBlockableDomain(name)) expect(format.render(name)).toBe(line);
          else rejected.push(name);
        }
        // Names the validator refuses are the non-LDH ones (underscores), never ordinary domains.
        expect(rejected.every((name) => name.includes('_'))).toBe(true);
        expect(rejected.length).toBeLessThan(rules.length / 100);
      },
    );

    it('writes rules the same grammar reads, under the same comment character', () => {
      const content = format.target.generate(ours).artifacts[0]?.content ?? '';
      const { comments, rules } = split(content, format.comment);
      expect(comments[0]).toMatch(new RegExp(`^\\${format.comment} Title: `));
      expect(rules.length).toBeGreaterThan(0);
      for (const line of rules) expect(format.grammar.test(line), line).toBe(true);
    });
  });

  it("matches AdGuard's own TikTok service rules line for line where the domains overlap", () => {
    const service = parse(
      readFileSync(sample('dns-blocklists/adguard-hostlistsregistry_services_tiktok.yml'), 'utf8'),
    ) as { rules: string[] };
    const content = adguardTarget.generate(ours).artifacts[0]?.content ?? '';
    const ourRules = new Set(split(content, '!').rules);
    const shared = service.rules.filter((rule) => ours.domains.includes(ADGUARD_RULE.exec(rule)?.[1] ?? ''));
    expect(shared.length).toBeGreaterThanOrEqual(5);
    for (const rule of shared) expect(ourRules.has(rule), rule).toBe(true);
  });
});
