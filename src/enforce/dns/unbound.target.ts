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
 * `always_nxdomain` answers NXDOMAIN for the zone and every name under it and, unlike `static`,
 * ignores any local-data, so no other line of the operator's configuration can reopen a name.
 */
export function unboundRule(domain: string): string {
  return `local-zone: "${domain}." always_nxdomain`;
}

export const UNBOUND_RULE = /^local-zone: "([^"\s]+)\." always_nxdomain$/;

export const unboundTarget: EnforcementTarget = {
  name: 'unbound',
  title: 'Unbound local-zone include',
  generate(context) {
    const list = dnsBlocklist(context, 'unbound');
    const rules = list.domains.map(unboundRule);
    const includePath = `/etc/unbound/appban/${list.ban.id}.conf`;
    const header = headerLines(list, {
      prefix: '#',
      target: 'unbound',
      format: 'unbound.conf local-zone statements',
      entries: rules.length,
      explain: [
        'always_nxdomain answers NXDOMAIN for each domain and every name under it.',
        'This file has no clause header: include it INSIDE the server: clause of',
        'unbound.conf, for example',
        '  server:',
        `      include: "${includePath}"`,
        "Do not drop it into a directory read by include-toplevel (such as Debian's",
        'unbound.conf.d/): there it would fall outside server: and fail to load.',
        'Check with unbound-checkconf, then reload Unbound.',
      ],
    });
    return {
      artifacts: [
        {
          fileName: dnsArtifactName(list, 'unbound.conf'),
          mediaType: 'text/plain',
          content: renderFile(header, rules),
          description: `Unbound local-zone statements answering NXDOMAIN for ${list.domains.length} banned domains and their subdomains`,
        },
      ],
      deployTo: `${includePath} on the Unbound resolver, with include: "${includePath}" inside the server: clause of unbound.conf; check with unbound-checkconf, then unbound-control reload.`,
      requires: ['Unbound.', DNS_REQUIRES_RESOLVER],
      limitations: [
        'The file must be included inside server:; placed at top level it does not load.',
        'A more specific local-zone elsewhere in the configuration (for a name under a banned domain) takes precedence over these.',
        ...DNS_LIMITATIONS,
      ],
      exceptions: dnsExceptions(
        context.ban,
        'an Unbound view without these zones (access-control-view for their addresses) or tagged zones (define-tag, local-zone-tag and access-control-tag so only tagged clients get them).',
      ),
      notes: dnsNotes(context, list),
    };
  },
};
