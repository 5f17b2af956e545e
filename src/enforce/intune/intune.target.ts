import type { DevicePlatform, IdentifierKind } from '../../catalog/catalog.types.js';
import { addDuration, parseCalendarDate, parseDuration } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { identifierValues, platformInScope, withheldUnconfirmed } from '../ban-identifiers.js';
import type { EnforcementContext, EnforcementTarget, TargetOutput } from '../target.types.js';
import type { GraphRequest, IntuneRequestsFile } from './graph.types.js';
import {
  type AppEntry,
  androidAdminCompliance,
  androidPersonalProfile,
  exceptionGroupToken,
  exceptionSubjects,
  excludeTargets,
  includeTargets,
  iosCompliance,
  iosRestrictions,
  managedPlayUninstall,
  type RequestPlan,
} from './intune.requests.js';

/** Graph documents gracePeriodHours as "Valid values 0 to 8760" (deviceComplianceActionItem). */
const MAX_GRACE_HOURS = 8760;

/**
 * Microsoft Graph requests that configure Intune for a ban, in the order to send them, written as
 * one JSON file `{ ban, placeholders, requests: [{ id, method, url, body }] }`. Objects are
 * created, then assigned; ids Graph returns and Entra group ids are `{{...}}` placeholders.
 */
export const intuneTarget: EnforcementTarget = {
  name: 'intune',
  title: 'Microsoft Intune (Graph requests)',
  generate(context: EnforcementContext): TargetOutput {
    const { ban, revision } = context;
    const bundles = entries(context, 'ios', 'bundle-id');
    const packages = entries(context, 'android', 'package');
    if (bundles.length === 0 && packages.length === 0) {
      throw new AppbanError(
        'TARGET_NOT_APPLICABLE',
        `ban ${ban.id} has no iOS bundle ID or Android package for Intune`,
      );
    }
    const placeholders = new Map<string, string>();
    const plan: RequestPlan = {
      banId: ban.id,
      title: ban.title,
      revision,
      include: includeTargets(context, placeholders),
      exclude: excludeTargets(context, placeholders),
      graceHours: graceHours(context),
      placeholders,
    };
    const companyOwned = ban.scope.ownership.some(
      (ownership) => ownership === 'owned' || ownership === 'paid',
    );

    const requests: GraphRequest[] = [];
    if (bundles.length > 0) requests.push(...iosRestrictions(plan, bundles), ...iosCompliance(plan, bundles));
    if (packages.length > 0) {
      if (companyOwned) requests.push(...androidPersonalProfile(plan, packages));
      requests.push(...managedPlayUninstall(plan, packages), ...androidAdminCompliance(plan, packages));
    }

    const file: IntuneRequestsFile = {
      ban: { id: ban.id, title: ban.title, revision },
      placeholders: Object.fromEntries(placeholders),
      requests,
    };
    const withheld = [
      ...withheldUnconfirmed(context, 'ios', 'bundle-id'),
      ...withheldUnconfirmed(context, 'android', 'package'),
    ];
    const storeOnly = iosStoreIdsWithoutBundle(context);

    return {
      artifacts: [
        {
          fileName: `intune/${ban.id}.graph-requests.json`,
          mediaType: 'application/json',
          content: `${JSON.stringify(file, null, 2)}\n`,
          description: `${requests.length} Microsoft Graph requests for ban ${ban.id} revision ${revision}: one JSON file { ban, placeholders, requests: [{ id, method, url, body }] }`,
        },
      ],
      deployTo:
        'Microsoft Graph (https://graph.microsoft.com): send each request of requests[] in order, replacing every {{...}} placeholder as described in placeholders; {{id:X}} is the id returned by request X',
      requires: [
        'An Intune licence and an Entra app with DeviceManagementConfiguration.ReadWrite.All (profiles and compliance policies) and DeviceManagementApps.ReadWrite.All (app assignments)',
        'Entra device groups for the included scope groups and for every exclusion; Intune does not support mixing user and device groups across include and exclude',
        ...(packages.length > 0
          ? [
              'For each managed-play-uninstall request, the app added to Intune from Managed Google Play, so that it has a mobileApp id',
            ]
          : []),
      ],
      limitations: limitations(bundles.length > 0, packages.length > 0, companyOwned),
      exceptions: ban.exceptions.map(
        (exception) =>
          `Exclude Entra device group ${exceptionGroupToken(exception)} for exception ${exception.id} (${exception.reason}, approved by ${exception.approvedBy}, until ${exception.expires}); it must hold ${exceptionSubjects(exception)}. Intune exclusions never expire: empty the group or remove the exclusion when the exception ends`,
      ),
      notes: [
        `Ban ${ban.id} revision ${revision}; every displayName and description names both`,
        ...(bundles.length > 0 ? [`iOS bundle IDs: ${bundles.map((entry) => entry.value).join(', ')}`] : []),
        ...(packages.length > 0
          ? [`Android packages: ${packages.map((entry) => entry.value).join(', ')}`]
          : []),
        `Compliance grace period: ${plan.graceHours} hours, the ban's removal deadline (${ban.removal.deadline}) counted from its start${plan.graceHours === MAX_GRACE_HOURS ? ', capped at the 8760 hours Graph allows' : ''}`,
        ...(storeOnly.length > 0
          ? [`App Store ids with no known bundle ID cannot be listed in Intune: ${storeOnly.join(', ')}`]
          : []),
        ...(withheld.length > 0
          ? [
              `Not included because unconfirmed (set include_unconfirmed: true on the target to add them): ${withheld.join(', ')}`,
            ]
          : []),
      ],
    };
  },
};

function entries(context: EnforcementContext, platform: DevicePlatform, kind: IdentifierKind): AppEntry[] {
  return identifierValues(context, platform, kind).map((value) => {
    const identifier = context.identifiers.find(
      (candidate) => candidate.platform === platform && candidate.kind === kind && candidate.value === value,
    );
    const appName = identifier?.appName ?? value;
    const publisher = identifier
      ? (context.catalog.publishers.get(identifier.publisher)?.name ?? identifier.publisher)
      : '';
    return { value, name: identifier?.note ? `${appName} - ${identifier.note}` : appName, publisher };
  });
}

function graceHours(context: EnforcementContext): number {
  const { ban } = context;
  const start = parseCalendarDate(ban.period.start);
  if (start === undefined) {
    throw new AppbanError(
      'BAN_INVALID_DATE',
      `ban ${ban.id}: period.start ${ban.period.start} is not a date`,
      {
        location: { path: 'period.start' },
      },
    );
  }
  const deadline = parseDuration(ban.removal.deadline);
  if (deadline === undefined) {
    throw new AppbanError(
      'BAN_INVALID_DURATION',
      `ban ${ban.id}: removal.deadline ${ban.removal.deadline} is not a duration`,
      {
        location: { path: 'removal.deadline' },
      },
    );
  }
  const hours = Math.floor((addDuration(start, deadline) - start) / 3_600_000);
  return Math.min(Math.max(hours, 0), MAX_GRACE_HOURS);
}

function iosStoreIdsWithoutBundle(context: EnforcementContext): string[] {
  if (!platformInScope(context, 'ios')) return [];
  const appsWithBundle = new Set(
    context.identifiers
      .filter((id) => id.platform === 'ios' && id.kind === 'bundle-id')
      .map((id) => id.appId),
  );
  return context.identifiers
    .filter((id) => id.platform === 'ios' && id.kind === 'app-store-id' && !appsWithBundle.has(id.appId))
    .map((id) => `${id.appName} ${id.value}`);
}

function limitations(ios: boolean, android: boolean, companyOwned: boolean): string[] {
  const out: string[] = [];
  if (ios) {
    out.push(
      'iOS appsVisibilityList hides the apps and stops them launching; it does not uninstall them. Apple applies the underlying restriction (blockedAppBundleIDs) only on supervised devices; that Intune maps appsVisibilityList to it is an inference (UNCONFIRMED, domain.md §3.1)',
      'restrictedApps on compliance policies exists only in the Graph beta API (requests sent to /beta), which Microsoft may change; each policy holds at most 100 apps, so larger bans are split',
      'Intune inventories unmanaged apps only on corporate-owned devices (detectedApp: "Unmanaged apps will only appear for devices marked as corporate owned"), so restricted-app compliance is unlikely to see apps on personal devices (inference)',
    );
  }
  if (android) {
    out.push(
      'Android Enterprise compliance policies (work profile, fully managed) have no restricted-apps setting in Graph v1.0 or beta; only the legacy device administrator policy (androidCompliancePolicy) has one',
      'On Android Enterprise, Managed Google Play is the only source of apps: with the default Play store allow list users cannot install unapproved apps at all; the uninstall assignments matter where "allow access to all apps in Google Play" is on',
      'On personally-owned work-profile devices Intune reaches only the work profile; personal apps cannot be blocked or seen',
    );
    if (companyOwned) {
      out.push(
        'personalProfilePersonalApplications (Graph beta) applies only to the personal profile of corporate-owned work-profile devices, and conflicts with any other profile that sets personalProfilePlayStoreMode',
      );
    }
  }
  out.push(
    'Intune cannot tell owned from paid devices, nor read the ban\u2019s ownership scope: the included Entra groups (or an assignment filter on ownership) must hold only in-scope devices; with no scope groups the policies go to all devices',
  );
  return out;
}
