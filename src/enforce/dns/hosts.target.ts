import type { EnforcementTarget } from '../target.types.js';
import {
  DNS_LIMITATIONS,
  dnsArtifactName,
  dnsBlocklist,
  dnsExceptions,
  dnsNotes,
  headerLines,
  isBlockableDomain,
  renderFile,
} from './dns.common.js';

/** `0.0.0.0 name`, the form of the public hosts-format blocklists (blocklistproject/Lists tiktok.txt). */
export function hostsEntry(name: string): string {
  return `0.0.0.0 ${name}`;
}

/** The grammar of one hosts-format blocking line; the name is in group 1. */
export const HOSTS_ENTRY = /^0\.0\.0\.0[ \t]+([^\s#]+)$/;

/**
 * A hosts file matches exact names, so each registrable domain is listed with its `www.` name:
 * the two names people type and browsers try first. Guessing further names (api., m., ...) would
 * still leave the rest open while suggesting otherwise, so the header says plainly what is missed.
 */
export function hostsNames(domain: string): string[] {
  const www = `www.${domain}`;
  return isBlockableDomain(www) ? [domain, www] : [domain];
}

export const hostsTarget: EnforcementTarget = {
  name: 'hosts',
  title: 'hosts file entries',
  generate(context) {
    const list = dnsBlocklist(context, 'hosts');
    const entries = list.domains.flatMap(hostsNames).map(hostsEntry);
    const header = headerLines(list, {
      prefix: '#',
      target: 'hosts',
      format: 'hosts',
      entries: entries.length,
      explain: [
        'A hosts file matches exact names only: it CANNOT block subdomains.',
        "This file lists each of the ban's registrable domains and its www. name, the",
        'names people type and browsers try first. Every other name (api.DOMAIN,',
        "m.DOMAIN, ...) stays reachable, and so does the app's own traffic.",
        'To block whole domains, use the dnsmasq, unbound, rpz or adguard target on the',
        'resolver your devices use; use this file only where no such resolver exists.',
        'Append to /etc/hosts (Linux, macOS) or C:\\Windows\\System32\\drivers\\etc\\hosts (Windows).',
      ],
    });
    return {
      artifacts: [
        {
          fileName: dnsArtifactName(list, 'hosts'),
          mediaType: 'text/plain',
          content: renderFile(header, entries),
          description: `hosts entries mapping ${list.domains.length} banned domains and their www. names to 0.0.0.0`,
        },
      ],
      deployTo:
        "Each device's hosts file: append to /etc/hosts on Linux and macOS, or C:\\Windows\\System32\\drivers\\etc\\hosts on Windows, through device management (a script or configuration profile).",
      requires: [
        'Administrator rights on each device to change its hosts file, usually exercised by the device-management system.',
      ],
      limitations: [
        'Exact names only: subdomains of the banned domains (API, CDN and regional hosts) are not blocked, so the app itself keeps working; prefer a resolver target.',
        'iOS, iPadOS and Android give no access to the hosts file; this artifact is for desktops and servers.',
        'A resolver reading hosts-format lists (a Pi-hole adlist, for instance) also blocks only the exact names listed.',
        ...DNS_LIMITATIONS,
      ],
      exceptions: dnsExceptions(
        context.ban,
        'to be left out of the hosts-file deployment (exclude them from the group the script or profile targets).',
      ),
      notes: [
        ...dnsNotes(context, list),
        `Lists ${entries.length} names: each domain and its www. name, mapped to 0.0.0.0 as the public hosts-format lists do.`,
      ],
    };
  },
};
