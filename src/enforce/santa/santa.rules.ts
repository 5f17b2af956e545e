import type { BannedIdentifier } from '../../bans/ban.resolve.js';
import { AppbanError } from '../../lib/errors.js';

/**
 * Santa rules in the shape of the sync protocol's RuleDownloadResponse (JSON field names of
 * northpolesec/protos sync/v1.proto, as in google/santa's testdata ruledownload fixtures).
 */
export type SantaRuleType = 'TEAMID' | 'SIGNINGID';
export type SantaPolicy = 'BLOCKLIST' | 'REMOVE';

export interface SantaRule {
  rule_type: SantaRuleType;
  policy: SantaPolicy;
  identifier: string;
  custom_msg?: string;
}

export interface RuleDownloadResponse {
  rules: SantaRule[];
}

/** An identifier Santa can match on, with where it came from. */
export interface SantaTarget {
  ruleType: SantaRuleType;
  identifier: string;
  source: BannedIdentifier;
}

const TEAM_ID = /^[A-Za-z0-9]{10}$/;

/**
 * The macOS identifiers of the ban that Santa can block by: Team IDs and Signing IDs, normalised
 * as Santa's SNTRule does (Team IDs upper-cased; a Signing ID is `TEAMID:signing.id` or
 * `platform:signing.id`). A malformed value is a catalog defect: Santa would reject the rule, and
 * one bad rule can fail a whole sync batch, so nothing is written.
 */
export function santaTargets(identifiers: readonly BannedIdentifier[]): SantaTarget[] {
  const seen = new Set<string>();
  const out: SantaTarget[] = [];
  for (const source of identifiers) {
    if (source.platform !== 'macos') continue;
    let target: SantaTarget | undefined;
    if (source.kind === 'team-id') target = { ruleType: 'TEAMID', identifier: teamId(source), source };
    if (source.kind === 'signing-id')
      target = { ruleType: 'SIGNINGID', identifier: signingId(source), source };
    if (!target) continue;
    const key = `${target.ruleType}:${target.identifier}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(target);
  }
  return out;
}

function teamId(source: BannedIdentifier): string {
  if (!TEAM_ID.test(source.value)) throw malformed(source, 'a Team ID is 10 letters and digits');
  return source.value.toUpperCase();
}

function signingId(source: BannedIdentifier): string {
  const colon = source.value.indexOf(':');
  const team = colon < 0 ? '' : source.value.slice(0, colon);
  const rest = colon < 0 ? '' : source.value.slice(colon + 1);
  const platform = team.toLowerCase() === 'platform';
  if (rest.length === 0 || /\s/.test(rest) || (!platform && !TEAM_ID.test(team))) {
    throw malformed(source, 'a Signing ID is TEAMID:signing.identifier or platform:signing.identifier');
  }
  return `${platform ? 'platform' : team.toUpperCase()}:${rest}`;
}

function malformed(source: BannedIdentifier, rule: string): AppbanError {
  return new AppbanError(
    'CATALOG_INVALID',
    `the catalog entry for ${source.appId} lists the macOS ${source.kind} ${JSON.stringify(source.value)}, which Santa would reject (${rule}); the santa target wrote nothing`,
  );
}

export function blockRules(targets: readonly SantaTarget[], message: string): SantaRule[] {
  return targets.map((target) => ({
    rule_type: target.ruleType,
    policy: 'BLOCKLIST',
    identifier: target.identifier,
    custom_msg: message,
  }));
}

/** REMOVE is a sync-only policy: it deletes the matching rule from a Mac that holds it. */
export function removeRules(targets: readonly SantaTarget[]): SantaRule[] {
  return targets.map((target) => ({
    rule_type: target.ruleType,
    policy: 'REMOVE',
    identifier: target.identifier,
  }));
}

export function ruleDownloadJson(rules: SantaRule[]): string {
  const body: RuleDownloadResponse = { rules };
  return `${JSON.stringify(body, null, 2)}\n`;
}
