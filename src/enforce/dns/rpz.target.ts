import { createHash } from 'node:crypto';
import type { EnforcementTarget } from '../target.types.js';
import {
  DNS_LIMITATIONS,
  DNS_REQUIRES_RESOLVER,
  type DnsBlocklist,
  dnsArtifactName,
  dnsBlocklist,
  dnsExceptions,
  dnsNotes,
  headerLines,
  isBlockableDomain,
  renderFile,
} from './dns.common.js';

/**
 * The SOA serial: the revision's first 32 bits (its first 8 hex digits, or those of its SHA-256
 * when it is not hex). A pure function of the revision keeps the zone byte-identical for the same
 * ban, and an operator can tell which revision a loaded zone carries. The price: serials do not
 * grow from one revision to the next, which matters only where the zone is copied by zone transfer.
 */
export function rpzSerial(revision: string): number {
  const hex = /^[0-9a-f]{8}/i.test(revision)
    ? revision.slice(0, 8)
    : createHash('sha256').update(revision).digest('hex').slice(0, 8);
  return Number.parseInt(hex, 16);
}

/** The zone name the deployment notes suggest; the file itself uses only relative names. */
export function rpzZoneName(banId: string): string {
  const name = `${banId}.appban.rpz`;
  return isBlockableDomain(name)
    ? name
    : `appban-${createHash('sha256').update(banId).digest('hex').slice(0, 16)}.rpz`;
}

/** A QNAME trigger with the NXDOMAIN action (`CNAME .`); RPZ needs the `*.` twin for subdomains. */
export function rpzRules(domain: string): string[] {
  return [`${domain} CNAME .`, `*.${domain} CNAME .`];
}

export const RPZ_RULE = /^(\*\.)?([^\s*]+) CNAME \.$/;

const TTL = 300;

function zoneRecords(list: DnsBlocklist): string[] {
  const serial = rpzSerial(list.revision);
  return [
    `$TTL ${TTL}`,
    `@ IN SOA localhost. hostmaster.localhost. ${serial} 3600 600 604800 ${TTL}`,
    '@ IN NS localhost.',
    '',
    ...list.domains.flatMap(rpzRules),
  ];
}

export const rpzTarget: EnforcementTarget = {
  name: 'rpz',
  title: 'DNS response policy zone (BIND, Unbound, PowerDNS, Knot)',
  generate(context) {
    const list = dnsBlocklist(context, 'rpz');
    const zone = rpzZoneName(list.ban.id);
    const serial = rpzSerial(list.revision);
    const zonePath = `/etc/bind/rpz/${list.ban.id}.rpz.zone`;
    const records = zoneRecords(list);
    const header = headerLines(list, {
      prefix: ';',
      target: 'rpz',
      format: 'RPZ zone file (RFC 1035 master file)',
      entries: list.domains.length * 2,
      explain: [
        'Each domain has two QNAME triggers with the NXDOMAIN action (CNAME .): one for',
        'the domain itself and a *. wildcard for every name under it.',
        `Names are relative, so the file loads under any zone name; suggested zone name: ${zone}`,
        `BIND:  zone "${zone}" { type primary; file "${zonePath}"; };`,
        `       options { response-policy { zone "${zone}"; }; };`,
        `Unbound: rpz: name: "${zone}" zonefile: "${zonePath}"`,
        '         (with module-config: "respip validator iterator").',
        `SOA serial ${serial} = the first 32 bits of revision ${list.revision}, so the same`,
        'revision always gives the same serial. Serials do not increase between',
        'revisions: resolvers that load this file directly are unaffected, but',
        'secondaries fed by zone transfer must be forced to fetch a new revision',
        '(rndc retransfer) rather than trusted to compare serials.',
      ],
    });
    return {
      artifacts: [
        {
          fileName: dnsArtifactName(list, 'rpz.zone'),
          mediaType: 'text/dns',
          content: renderFile(header, records),
          description: `Response policy zone answering NXDOMAIN for ${list.domains.length} banned domains and their subdomains`,
        },
      ],
      deployTo: `A response policy zone on the resolver. BIND: zone "${zone}" { type primary; file "${zonePath}"; }; plus response-policy { zone "${zone}"; }; in options, then rndc reload. Unbound: an rpz: clause with name "${zone}" and zonefile pointing at this file. PowerDNS Recursor: load it as an RPZ file. Knot Resolver: its RPZ policy.`,
      requires: [
        'A resolver with response policy zones: BIND 9 (response-policy), Unbound (rpz: clause, with respip in module-config), PowerDNS Recursor or Knot Resolver.',
        DNS_REQUIRES_RESOLVER,
      ],
      limitations: [
        `The SOA serial (${serial}) identifies the revision but does not grow between revisions; where the zone reaches secondaries by AXFR/IXFR, force the transfer (rndc retransfer) after each new revision.`,
        'Unbound applies RPZ after its local-zones: a local-zone or local-data for a banned name answers first.',
        ...DNS_LIMITATIONS,
      ],
      exceptions: dnsExceptions(
        context.ban,
        'a policy that spares their addresses: in BIND a view (match-clients) without this response-policy zone, or a client-IP passthru trigger (rpz-client-ip with CNAME rpz-passthru.) in a zone listed before this one; in Unbound, rpz tags: with access-control-tag.',
      ),
      notes: [
        ...dnsNotes(context, list),
        `SOA serial ${serial} is derived from revision ${list.revision}, not from the clock: the same revision always gives the same zone, byte for byte.`,
      ],
    };
  },
};
