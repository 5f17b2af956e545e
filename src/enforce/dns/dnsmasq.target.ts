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

/**
 * `address=/domain/` with no address answers NXDOMAIN for the domain and all its subdomains, the
 * same as `server=/domain/` (dnsmasq(8), `--address`). `address=` states the intent, to answer
 * locally, where `server=` reads as a forwarding rule.
 */
export function dnsmasqRule(domain: string): string {
  return `address=/${domain}/`;
}

/** The grammar of one dnsmasq NXDOMAIN rule, in either spelling; the domain is in group 1. */
export const DNSMASQ_NXDOMAIN_RULE = /^(?:address|server)=\/([^/\s#]+)\/$/;

export const dnsmasqTarget: EnforcementTarget = {
  name: 'dnsmasq',
  title: 'dnsmasq / Pi-hole configuration',
  generate(context) {
    const list = dnsBlocklist(context, 'dnsmasq');
    const rules = list.domains.map(dnsmasqRule);
    const confPath = `/etc/dnsmasq.d/appban-${list.ban.id}.conf`;
    const header = headerLines(list, {
      prefix: '#',
      target: 'dnsmasq',
      format: 'dnsmasq',
      entries: rules.length,
      explain: [
        'address=/DOMAIN/ answers NXDOMAIN for DOMAIN and every name under it.',
        `Install as ${confPath} and restart dnsmasq (Pi-hole: pihole-FTL;`,
        'Pi-hole v6 reads /etc/dnsmasq.d only with misc.etc_dnsmasq_d = true).',
      ],
    });
    return {
      artifacts: [
        {
          fileName: dnsArtifactName(list, 'dnsmasq.conf'),
          mediaType: 'text/plain',
          content: renderFile(header, rules),
          description: `dnsmasq address= rules answering NXDOMAIN for ${list.domains.length} banned domains and their subdomains`,
        },
      ],
      deployTo: `${confPath} on the dnsmasq or Pi-hole server (a conf-dir such as /etc/dnsmasq.d), then restart dnsmasq or pihole-FTL.`,
      requires: [
        'dnsmasq, or Pi-hole (its FTL embeds dnsmasq; Pi-hole v6 loads /etc/dnsmasq.d only when misc.etc_dnsmasq_d is true in pihole.toml).',
        DNS_REQUIRES_RESOLVER,
      ],
      limitations: [
        'Names in /etc/hosts, addn-hosts files and DHCP leases override address= for those exact names (dnsmasq(8)).',
        ...DNS_LIMITATIONS,
      ],
      exceptions: dnsExceptions(
        context.ban,
        'a resolver without this file: dnsmasq applies address= to every client, so point excepted devices (by DHCP tag or static DNS setting) at a separate dnsmasq instance that does not load it.',
      ),
      notes: dnsNotes(context, list),
    };
  },
};
