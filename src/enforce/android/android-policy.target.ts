import type { BanException } from '../../bans/ban.types.js';
import { AppbanError } from '../../lib/errors.js';
import { identifierValues, platformInScope, withheldUnconfirmed } from '../ban-identifiers.js';
import type { EnforcementContext, EnforcementTarget, TargetOutput } from '../target.types.js';
import { AMAPI_MAX_APPLICATIONS, banPolicy, updateMaskFor } from './android-policy.build.js';

const API_ROOT = 'https://androidmanagement.googleapis.com/v1';

/**
 * An Android Management API `Policy` holding only the fields the ban sets, to be merged into each
 * policy that in-scope devices use. The Policy resource has no free-text field (its `name` is the
 * resource path and `version` is server-assigned), so the ban id and revision travel in the file
 * name, the artifact description and the manifest notes, never inside the body.
 */
export const androidPolicyTarget: EnforcementTarget = {
  name: 'android-policy',
  title: 'Android Management API policy',
  generate(context: EnforcementContext): TargetOutput {
    const { ban, revision } = context;
    const packages = identifierValues(context, 'android', 'package');
    if (packages.length === 0) {
      throw new AppbanError(
        'TARGET_NOT_APPLICABLE',
        `ban ${ban.id} has no Android package to block${platformInScope(context, 'android') ? '' : ' (Android is outside its scope.platforms)'}`,
      );
    }
    if (packages.length > AMAPI_MAX_APPLICATIONS) {
      throw new AppbanError(
        'INPUT_TOO_LARGE',
        `ban ${ban.id} blocks ${packages.length} Android packages; an Android Management API policy holds at most ${AMAPI_MAX_APPLICATIONS} applications`,
      );
    }
    const companyOwned = ban.scope.ownership.some(
      (ownership) => ownership === 'owned' || ownership === 'paid',
    );
    const policy = banPolicy(packages, { personalProfile: companyOwned });
    const mask = updateMaskFor(policy);
    const withheld = withheldUnconfirmed(context, 'android', 'package');

    return {
      artifacts: [
        {
          fileName: `android/${ban.id}.policy.json`,
          mediaType: 'application/json',
          content: `${JSON.stringify(policy, null, 2)}\n`,
          description: `Android Management API Policy fields blocking ${packages.length} package(s) for ban ${ban.id} revision ${revision}; merge into each in-scope policy before the PATCH`,
        },
      ],
      deployTo: `PATCH ${API_ROOT}/enterprises/{enterpriseId}/policies/{policyId}?updateMask=${mask}`,
      requires: [
        'An Android Management API enterprise and a service account with the https://www.googleapis.com/auth/androidmanagement scope',
        'For each policy used by in-scope devices: GET the policy, merge this file into it (mergeBanIntoPolicy in src/enforce/android/android-policy.build.ts), then send the merged policy with the PATCH above; the update mask names whole lists, so sending this file alone would replace the policy\u2019s own applications list and, under the default WHITELIST play store mode, uninstall every app it drops',
      ],
      limitations: [
        'installType BLOCKED uninstalls the app where a previous policy installed it and blocks new installs, including its instant app',
        'On personally-owned devices with a work profile (BYOD) the policy reaches only the work profile; apps in the personal profile cannot be blocked or seen',
        ...(companyOwned
          ? [
              'personalUsagePolicies.personalApplications applies only to company-owned devices with a work profile; fully managed devices have no personal profile and are covered by applications',
            ]
          : [
              'The ban scope has no company-owned devices, so personal-profile blocking (personalUsagePolicies) is not set',
            ]),
        'playStoreMode is left as the enterprise has it: BLOCKED entries work in WHITELIST and BLACKLIST modes, and changing the mode would release or remove every other app',
        'Sideloaded copies under another package name (repackaged or renamed APKs) are not covered; only the listed package names are',
      ],
      exceptions: ban.exceptions.map(exceptionInstruction),
      notes: [
        `Ban ${ban.id} revision ${revision}: the Policy resource has no free-text field to carry them, so they are recorded here and in the file name`,
        `Blocks ${packages.length} package(s): ${packages.join(', ')}`,
        'statusReportingSettings.applicationReportsEnabled is set so devices report applicationReports, which appban reads to find violations',
        ...(withheld.length > 0
          ? [
              `Not blocked because unconfirmed (set include_unconfirmed: true on the target to add them): ${withheld.join(', ')}`,
            ]
          : []),
      ],
    };
  },
};

function exceptionInstruction(exception: BanException): string {
  return `Exception ${exception.id} (${exception.reason}, approved by ${exception.approvedBy}, until ${exception.expires}): keep ${describeSubjects(exception)} on a policy this PATCH is not applied to (PATCH ${API_ROOT}/enterprises/{enterpriseId}/devices/{deviceId}?updateMask=policyName), and move them back when it expires`;
}

function describeSubjects(exception: BanException): string {
  const parts: string[] = [];
  if (exception.subjects.group) parts.push(`the devices of group ${exception.subjects.group}`);
  if (exception.subjects.devices?.length) parts.push(`devices ${exception.subjects.devices.join(', ')}`);
  if (exception.subjects.holders?.length)
    parts.push(`the devices held by ${exception.subjects.holders.join(', ')}`);
  return parts.length > 0 ? parts.join(' and ') : 'its devices';
}
