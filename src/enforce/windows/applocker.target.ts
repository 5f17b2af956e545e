import type { BannedIdentifier } from '../../bans/ban.resolve.js';
import { AppbanError } from '../../lib/errors.js';
import { deterministicUuid } from '../../lib/ids.js';
import {
  exceptionLines,
  oneLine,
  platformIdentifierGaps,
  requireFileSafeBanId,
  requirePlatformInScope,
  targetedApps,
} from '../device-target.js';
import type { EnforcementContext, EnforcementTarget } from '../target.types.js';
import {
  appLockerPolicyXml,
  EVERYONE_SID,
  type PackagedAppRule,
  ruleCollectionXml,
} from './applocker.policy.js';

const TARGET = 'windows-applocker';

/** Package identity name: 3 to 50 letters, digits, periods and dashes (AppxManifest Identity@Name). */
const PACKAGE_NAME = /^[A-Za-z0-9.-]{3,50}$/;
/** Package family name: the identity name, `_`, and the 13-character publisher id. */
const PACKAGE_FAMILY_NAME = /^([A-Za-z0-9.-]{3,50})_([a-z0-9]{13})$/;

/** One packaged app the policy denies, by identity name, with the catalog entries that named it. */
export interface DeniedPackage {
  name: string;
  sources: BannedIdentifier[];
}

/**
 * The CSP Grouping node for this ban. It must stay the same across revisions: a new revision
 * replaces the policy under the same node, while a new Grouping would add a second policy and
 * leave the old one enforcing. Microsoft asks for a GUID so that Groupings stay unique across
 * enrollments; one derived from the ban id is.
 */
export function appLockerGrouping(banId: string): string {
  return deterministicUuid('appban', TARGET, banId, 'grouping');
}

export function storeAppsPolicyUri(grouping: string): string {
  return `./Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions/${grouping}/StoreApps/Policy`;
}

export const windowsAppLockerTarget: EnforcementTarget = {
  name: TARGET,
  title: 'Windows AppLocker policy for packaged (Store) apps',
  generate(context) {
    const { ban, revision } = context;
    requireFileSafeBanId(ban);
    requirePlatformInScope(ban, 'windows', TARGET);
    const packages = deniedPackages(context.identifiers);
    if (packages.length === 0) throw notApplicable(context);

    const rules = [...packages.map((pkg) => denyRule(context, pkg)), allowOtherPackagedApps(context)];
    const grouping = appLockerGrouping(ban.id);
    const omaUri = storeAppsPolicyUri(grouping);
    const cspValue = ruleCollectionXml(rules, 'Enabled');
    const csp = {
      ban: { id: ban.id, title: ban.title, revision },
      omaUri,
      dataType: 'String',
      grouping,
      value: cspValue,
      description:
        'AppLocker CSP setting: send value to omaUri as a String (Intune custom profile OMA-URI setting, or a SyncML Replace). The value is the RuleCollection element of the policy file.',
    };

    return {
      artifacts: [
        {
          fileName: `windows/${ban.id}-applocker.xml`,
          mediaType: 'application/xml',
          content: appLockerPolicyXml(rules, 'Enabled'),
          description: `AppLocker policy: an enforced packaged-app rule collection denying ${packages.length} package${packages.length === 1 ? '' : 's'} and allowing every other signed packaged app`,
        },
        {
          fileName: `windows/${ban.id}-applocker-csp.json`,
          mediaType: 'application/json',
          content: `${JSON.stringify(csp, null, 2)}\n`,
          description: `The same rule collection as an AppLocker CSP setting for ${omaUri}`,
        },
      ],
      deployTo: `An MDM with custom OMA-URI settings. Intune: Devices > Configuration > Create > Windows 10 and later > Templates > Custom, add the OMA-URI ${omaUri} with data type String and the value from windows/${ban.id}-applocker-csp.json, and assign it to the ban scope. Without an MDM: Set-AppLockerPolicy -XmlPolicy windows/${ban.id}-applocker.xml -Ldap <GPO> -Merge.`,
      requires: [
        'Windows 10 version 1511 or later, or Windows 11, in an edition the AppLocker CSP applies to: Pro, Enterprise, Education, SE or IoT Enterprise.',
        'The Application Identity service (AppIDSvc) running on the device: AppLocker relies on it to evaluate rules.',
        'An MDM that can send custom OMA-URI settings, or Group Policy for the policy file.',
      ],
      limitations: [
        'AppLocker is allow-list based: once a rule collection has any rule, every packaged app that no rule allows is blocked. A collection with only the Deny rules would stop every Store and inbox app, so the policy carries an Allow rule for all signed packaged apps; Deny rules take precedence over Allow rules and cannot be overridden (Microsoft, "Understanding AppLocker allow and deny actions on rules").',
        'If devices already enforce a packaged-app allow-list (another AppLocker CSP Grouping or Group Policy), merged policies combine their rules and this allow-all rule would widen that list: add only the Deny rules to the existing rule collection instead.',
        'Packaged (Store and MSIX) apps only: a desktop (Win32) build of the app and the web version are not covered; use the DNS targets for the web.',
        'It blocks installing and launching the package; an installed package stays on disk until removed (Remove-AppxPackage or an MDM uninstall), and appban inventory still reports it.',
        'The rules apply to Everyone (S-1-1-0), administrators included.',
        'PublisherName is "*" because no AppX Publisher for these packages is confirmed: a rule matches any package with that identity name, whoever signed it, and a package under another identity name is not matched.',
      ],
      exceptions: exceptionLines(ban, [
        'AppLocker rules carry no device scope: exceptions travel as the MDM assignment. Assign the setting to the ban scope and exclude the excepted devices (Intune excluded groups). A device that already has the policy keeps it until the MDM deletes the Grouping node; check that your MDM does so when a device leaves the assignment.',
        `Holder exceptions: each rule names a user or group SID (here ${EVERYONE_SID}, Everyone). To except people rather than devices, replace Everyone on the Deny rules with a directory group of the users the ban covers; appban does not know your SIDs.`,
      ]),
      notes: notes(context, packages, omaUri),
    };
  },
};

/** Package identity names from package-name identifiers and from the name part of package family names. */
export function deniedPackages(identifiers: readonly BannedIdentifier[]): DeniedPackage[] {
  const byName = new Map<string, DeniedPackage>();
  for (const identifier of identifiers) {
    if (identifier.platform !== 'windows') continue;
    let name: string | undefined;
    if (identifier.kind === 'package-name') {
      if (!PACKAGE_NAME.test(identifier.value)) throw malformed(identifier, 'a package identity name');
      name = identifier.value;
    } else if (identifier.kind === 'package-family-name') {
      const match = PACKAGE_FAMILY_NAME.exec(identifier.value);
      if (!match?.[1]) throw malformed(identifier, 'a package family name (Name_publisherid)');
      name = match[1];
    }
    if (name === undefined) continue;
    const key = name.toLowerCase();
    const entry = byName.get(key);
    if (entry) entry.sources.push(identifier);
    else byName.set(key, { name, sources: [identifier] });
  }
  return [...byName.values()];
}

function malformed(identifier: BannedIdentifier, what: string): AppbanError {
  return new AppbanError(
    'CATALOG_INVALID',
    `the catalog entry for ${identifier.appId} lists the Windows ${identifier.kind} ${JSON.stringify(identifier.value)}, which is not ${what}; the ${TARGET} target wrote nothing`,
  );
}

function ruleId(banId: string, part: string): string {
  // Independent of the revision: a rule that did not change keeps its Id, so two revisions diff
  // cleanly and a Group Policy merge drops the duplicate.
  return deterministicUuid('appban', TARGET, banId, part).toLowerCase();
}

function denyRule(context: EnforcementContext, pkg: DeniedPackage): PackagedAppRule {
  const { ban, revision } = context;
  const apps = [...new Set(pkg.sources.map((source) => source.appName))].join(', ');
  return {
    id: ruleId(ban.id, `deny:${pkg.name.toLowerCase()}`),
    name: `appban ${ban.id}: deny ${pkg.name}`,
    description: oneLine(
      `${apps} is banned by "${ban.title}" (ban ${ban.id}, revision ${revision}). Any publisher: the package Publisher is not confirmed.`,
    ),
    action: 'Deny',
    userOrGroupSid: EVERYONE_SID,
    publisherName: '*',
    productName: pkg.name,
    binaryName: '*',
    versionRange: { low: '*', high: '*' },
  };
}

/** The widely used default packaged-app rule, so that everything the ban does not name still runs. */
function allowOtherPackagedApps(context: EnforcementContext): PackagedAppRule {
  return {
    id: ruleId(context.ban.id, 'allow:all-signed-packaged-apps'),
    name: 'appban: all signed packaged apps',
    description:
      'Allows Everyone to run signed packaged apps. Without it AppLocker would block every packaged app this collection does not allow; the Deny rules still win.',
    action: 'Allow',
    userOrGroupSid: EVERYONE_SID,
    publisherName: '*',
    productName: '*',
    binaryName: '*',
    versionRange: { low: '0.0.0.0', high: '*' },
  };
}

function notApplicable(context: EnforcementContext): AppbanError {
  return new AppbanError(
    'TARGET_NOT_APPLICABLE',
    `ban ${context.ban.id} has no Windows package identity (package-name or package-family-name) for AppLocker to deny: ${platformIdentifierGaps(context, 'windows', 'Windows')}`,
  );
}

function notes(context: EnforcementContext, packages: readonly DeniedPackage[], omaUri: string): string[] {
  const out = [
    `AppLocker CSP OMA-URI: ${omaUri} (data type String).`,
    `Denies ${packages
      .map(
        (pkg) =>
          `${pkg.name} (${pkg.sources.map((source) => `${source.appName}, ${source.kind} ${source.value}, ${source.confidence}`).join('; ')})`,
      )
      .join(', ')}.`,
    'To pilot, set EnforcementMode="AuditOnly" in the value: AppLocker then logs what it would block (event log Microsoft-Windows-AppLocker/Packaged app-Execution) without blocking.',
  ];
  const covered = new Set(packages.flatMap((pkg) => pkg.sources.map((source) => source.appId)));
  const uncovered = targetedApps(context).filter((app) => !covered.has(app.id));
  if (uncovered.length > 0) {
    out.push(
      `No Windows package identity at the ban's confidence for ${uncovered.map((app) => app.name).join(', ')}: AppLocker does not block ${uncovered.length === 1 ? 'it' : 'them'}.`,
    );
  }
  const storeIds = context.identifiers.filter(
    (identifier) => identifier.platform === 'windows' && identifier.kind === 'store-id',
  );
  if (storeIds.length > 0) {
    out.push(
      `Microsoft Store product IDs (${storeIds.map((identifier) => identifier.value).join(', ')}) are not AppLocker conditions and were not used; the Store's applockerdata lookup for a product ID returns its package identity and publisher, if that service still answers.`,
    );
  }
  const signers = context.identifiers.filter(
    (identifier) => identifier.platform === 'windows' && identifier.kind === 'signer',
  );
  if (signers.length > 0) {
    out.push(
      `Authenticode signers (${signers.map((identifier) => identifier.value).join('; ')}) sign desktop installers, which packaged-app rules do not cover; they were not used.`,
    );
  }
  return out;
}
