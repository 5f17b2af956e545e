import type { Ownership } from '../../bans/ban.types.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../snapshot.types.js';
import { type FieldReader, observedApp, uniqueApps } from './json-fields.js';

/**
 * One Android Management API `Device` resource as a snapshot. Field names and enums are those of
 * the `Device`, `ApplicationReport`, `NonComplianceDetail`, `HardwareInfo` and `SoftwareInfo`
 * schemas in the androidmanagement v1 discovery document (domain.md §2.2).
 *
 * - Apps: `applicationReports` whose `state` is not `REMOVED` (reports kept with
 *   `includeRemovedApps` are history, not presence), plus the `packageName` of every
 *   `nonComplianceDetails` entry whose reason is `APP_INSTALLED` ("A blocked app is installed").
 * - Coverage is `full` only when the device sent application reports and is fully managed
 *   (`DEVICE_OWNER`): a work-profile device (`PROFILE_OWNER`) reports its work profile only, so
 *   an app in the personal profile stays invisible (peers.md §4.4), and without reports
 *   (`applicationReportsEnabled` off in the policy) only non-compliance evidence is known.
 * - observedAt: `lastStatusReportTime`, else the last policy compliance report or sync, else the
 *   enrollment time, else the file's modification time.
 */
export function amapiSnapshot(device: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const name = device.requiredString('name');
  const hardware = device.object('hardwareInfo');
  const software = device.object('softwareInfo');
  const managementMode = device.string('managementMode');

  const observed: ObservedDevice = { sourceDeviceId: name, platform: 'android' };
  const model = [hardware?.string('manufacturer'), hardware?.string('model')].filter(Boolean).join(' ');
  if (model !== '') observed.name = model;
  const holder = device.object('user')?.string('accountIdentifier') ?? device.string('userName');
  if (holder !== undefined) observed.holder = holder;
  const serial = hardware?.string('serialNumber');
  if (serial !== undefined) observed.serial = serial;
  const enterpriseSpecificId = hardware?.string('enterpriseSpecificId');
  if (enterpriseSpecificId !== undefined) observed.hardwareId = enterpriseSpecificId;
  const osVersion = software?.string('androidVersion');
  if (osVersion !== undefined) observed.osVersion = osVersion;
  const ownership = OWNERSHIP.get(device.string('ownership') ?? '');
  if (ownership !== undefined) observed.ownership = ownership;
  if (managementMode !== undefined) observed.managementMode = managementMode;

  const reports = device.objects('applicationReports', 'an application report');
  const apps: ObservedApp[] = [];
  for (const report of reports ?? []) {
    if (report.string('state') === 'REMOVED') continue;
    const packageName = report.string('packageName');
    if (packageName === undefined) continue;
    apps.push(
      observedApp('package', packageName, {
        name: report.string('displayName'),
        version: report.string('versionName'),
      }),
    );
  }
  for (const detail of device.objects('nonComplianceDetails', 'a non-compliance detail') ?? []) {
    const packageName = detail.string('packageName');
    if (detail.string('nonComplianceReason') === 'APP_INSTALLED' && packageName !== undefined) {
      apps.push(observedApp('package', packageName));
    }
  }

  const observedAt =
    device.instant('lastStatusReportTime') ??
    device.instant('lastPolicyComplianceReportTime') ??
    device.instant('lastPolicySyncTime') ??
    device.instant('enrollmentTime') ??
    fallbackObservedAt;

  return {
    source: 'amapi',
    device: observed,
    observedAt,
    apps: uniqueApps(apps),
    coverage: reports !== undefined && managementMode === 'DEVICE_OWNER' ? 'full' : 'partial',
  };
}

const OWNERSHIP = new Map<string, Ownership>([
  ['COMPANY_OWNED', 'owned'],
  ['PERSONALLY_OWNED', 'byod'],
]);
