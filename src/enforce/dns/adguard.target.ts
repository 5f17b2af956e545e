import type { EnforcementTarget } from '../target.types.js';
import {
  DNS_LIMITATIONS,
  DNS_REQUIRES_RESOLVER,
  dnsArtifactName,
  dnsBlocklist,
  dnsExceptions,
  dnsNotes,
  headerLines,
  renderFile,
} from './dns.common.js';

/** `||domain^` blocks the domain and its subdomains (AdGuard Home "Hosts Blocklists", adblock-style). */
export function adguardRule(domain: string): string {
  return `||${domain}^`;
}

export const ADGUARD_RULE = /^\|\|([^\s^|$/]+)\^$/;

export const adguardTarget: EnforcementTarget = {
  name: 'adguard',
  title: 'AdGuard Home blocklist',
  generate(context) {
    const list = dnsBlocklist(context, 'adguard');
    const rules = list.domains.map(adguardRule);
    const header = headerLines(list, {
      prefix: '!',
      target: 'adguard',
      format: 'AdGuard (adblock-style DNS rules)',
      entries: rules.length,
      explain: [
        '||DOMAIN^ blocks DOMAIN and every name under it.',
        'Add as a custom blocklist in AdGuard Home (Filters > DNS blocklists), or paste',
        'the rules into Filters > Custom filtering rules.',
      ],
    });
    return {
      artifacts: [
        {
          fileName: dnsArtifactName(list, 'adguard.txt'),
          mediaType: 'text/plain',
          content: renderFile(header, rules),
          description: `AdGuard Home rules blocking ${list.domains.length} banned domains and their subdomains`,
        },
      ],
      deployTo:
        'AdGuard Home: Filters > DNS blocklists > Add blocklist > Add a custom list, pointing at where you publish this file; or paste the rules into Filters > Custom filtering rules.',
      requires: [
        'AdGuard Home (or another resolver that reads adblock-style DNS rules).',
        DNS_REQUIRES_RESOLVER,
      ],
      limitations: [
        'An allowlist rule (@@||...^) or a client with filtering disabled in AdGuard Home overrides these rules.',
        ...DNS_LIMITATIONS,
      ],
      exceptions: dnsExceptions(
        context.ban,
        'AdGuard Home rules scoped to their clients: allow rules with the $client modifier (for example @@||domain^$client=192.0.2.10) in Custom filtering rules, for each banned domain and each excepted client.',
      ),
      notes: dnsNotes(context, list),
    };
  },
};
