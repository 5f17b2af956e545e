import { xmlSafeText } from '../device-target.js';

/**
 * AppLocker policy XML for packaged apps, in the element and attribute names of Microsoft's
 * AppLocker policies (AppLockerPolicy > RuleCollection Type="Appx" > FilePublisherRule >
 * Conditions > FilePublisherCondition > BinaryVersionRange; AppLocker CSP doc, applocker-csp.md).
 */

/** Everyone. */
export const EVERYONE_SID = 'S-1-1-0';

export type EnforcementMode = 'Enabled' | 'AuditOnly' | 'NotConfigured';

export interface PackagedAppRule {
  id: string;
  name: string;
  description: string;
  action: 'Allow' | 'Deny';
  userOrGroupSid: string;
  /** `PublisherName`: the package's Publisher, or `*` for any signer. */
  publisherName: string;
  /** `ProductName`: the package identity name, or `*`. */
  productName: string;
  /** `BinaryName`: for packaged apps always `*`. */
  binaryName: string;
  versionRange: { low: string; high: string };
}

/**
 * The `RuleCollection` element alone: what the AppLocker CSP's StoreApps/Policy node takes ("The
 * contents of a given Policy node is precisely the XML format for a RuleCollection node").
 */
export function ruleCollectionXml(
  rules: readonly PackagedAppRule[],
  mode: EnforcementMode,
  depth = 0,
): string {
  const pad = (level: number) => '  '.repeat(depth + level);
  const lines = [`${pad(0)}<RuleCollection Type="Appx" EnforcementMode="${mode}">`];
  for (const rule of rules) {
    lines.push(
      `${pad(1)}<FilePublisherRule Id="${attr(rule.id)}" Name="${attr(rule.name)}" Description="${attr(rule.description)}" UserOrGroupSid="${attr(rule.userOrGroupSid)}" Action="${rule.action}">`,
      `${pad(2)}<Conditions>`,
      `${pad(3)}<FilePublisherCondition PublisherName="${attr(rule.publisherName)}" ProductName="${attr(rule.productName)}" BinaryName="${attr(rule.binaryName)}">`,
      `${pad(4)}<BinaryVersionRange LowSection="${attr(rule.versionRange.low)}" HighSection="${attr(rule.versionRange.high)}" />`,
      `${pad(3)}</FilePublisherCondition>`,
      `${pad(2)}</Conditions>`,
      `${pad(1)}</FilePublisherRule>`,
    );
  }
  lines.push(`${pad(0)}</RuleCollection>`);
  return lines.join('\n');
}

/** A whole policy file, as Get-AppLockerPolicy -Xml writes and Set-AppLockerPolicy -XmlPolicy reads. */
export function appLockerPolicyXml(rules: readonly PackagedAppRule[], mode: EnforcementMode): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<AppLockerPolicy Version="1">',
    ruleCollectionXml(rules, mode, 1),
    '</AppLockerPolicy>',
    '',
  ].join('\n');
}

/**
 * An attribute value: markup characters escaped, and characters XML 1.0 cannot carry (C0 controls,
 * U+FFFE/U+FFFF, unpaired surrogates) replaced by U+FFFD so that the file always parses.
 */
export function attr(value: string): string {
  return xmlSafeText(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
