import type { androidmanagement_v1 } from '@googleapis/androidmanagement';

type Policy = androidmanagement_v1.Schema$Policy;
type ApplicationPolicy = androidmanagement_v1.Schema$ApplicationPolicy;
type PersonalApplicationPolicy = androidmanagement_v1.Schema$PersonalApplicationPolicy;

/**
 * Android Management API facts used here, from the discovery document `androidmanagement.v1.json`
 * (google-api-python-client 2.201.0, revision 20260917; appban reference/domain.md §2):
 * `Policy.applications` holds at most 3,000 entries; `installType: BLOCKED` blocks the app and
 * uninstalls it if a previous policy installed it; `personalUsagePolicies.personalApplications`
 * applies to the personal profile of company-owned devices with a work profile.
 */
export const AMAPI_MAX_APPLICATIONS = 3000;

/** The policy fields this ban sets, as `updateMask` paths of `enterprises.policies.patch`. */
export const ANDROID_POLICY_FIELDS = {
  applications: 'applications',
  personalApplications: 'personalUsagePolicies.personalApplications',
  applicationReports: 'statusReportingSettings.applicationReportsEnabled',
} as const;

export interface BanPolicyOptions {
  /** Also block the packages in the personal profile of company-owned work-profile devices. */
  personalProfile: boolean;
}

/**
 * The PATCH body that blocks `packages`. Only the fields the ban needs are set: `playStoreMode`
 * stays as the enterprise has it, since BLOCKED entries work under both WHITELIST and BLACKLIST
 * and changing the mode would block or release every other app.
 */
export function banPolicy(packages: readonly string[], options: BanPolicyOptions): Policy {
  const sorted = sortedUnique(packages);
  const policy: Policy = {
    applications: sorted.map(
      (packageName) => ({ packageName, installType: 'BLOCKED' }) satisfies ApplicationPolicy,
    ),
  };
  if (options.personalProfile) {
    policy.personalUsagePolicies = {
      personalApplications: sorted.map(
        (packageName) => ({ packageName, installType: 'BLOCKED' }) satisfies PersonalApplicationPolicy,
      ),
    };
  }
  // Device.applicationReports, which detection reads, exist only when the policy enables them.
  policy.statusReportingSettings = { applicationReportsEnabled: true };
  return policy;
}

/** The `updateMask` for a body made by `banPolicy`: exactly the fields it sets. */
export function updateMaskFor(policy: Policy): string {
  const paths: string[] = [ANDROID_POLICY_FIELDS.applications];
  if (policy.personalUsagePolicies?.personalApplications)
    paths.push(ANDROID_POLICY_FIELDS.personalApplications);
  paths.push(ANDROID_POLICY_FIELDS.applicationReports);
  return paths.join(',');
}

/**
 * The policy to PATCH (with `updateMaskFor(ban)`) when `existing` is what GET returned: the
 * existing lists with the ban's packages replaced by BLOCKED entries, everything else untouched.
 * A masked list is replaced as a whole (AIP-161: reading with a mask and writing the result back
 * with the same mask must change nothing), so sending the ban's entries alone would drop every
 * other app from the policy.
 */
export function mergeBanIntoPolicy(existing: Policy, ban: Policy): Policy {
  const merged: Policy = { ...existing };
  merged.applications = mergeByPackage(existing.applications ?? [], ban.applications ?? []);
  const banPersonal = ban.personalUsagePolicies?.personalApplications;
  if (banPersonal) {
    merged.personalUsagePolicies = {
      ...existing.personalUsagePolicies,
      personalApplications: mergeByPackage(
        existing.personalUsagePolicies?.personalApplications ?? [],
        banPersonal,
      ),
    };
  }
  merged.statusReportingSettings = { ...existing.statusReportingSettings, applicationReportsEnabled: true };
  return merged;
}

function mergeByPackage<T extends { packageName?: string | null }>(
  existing: readonly T[],
  blocked: readonly T[],
): T[] {
  const names = new Set(blocked.map((entry) => entry.packageName));
  return [...existing.filter((entry) => !names.has(entry.packageName)), ...blocked];
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
