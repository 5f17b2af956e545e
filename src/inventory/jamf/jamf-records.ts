import { type FieldReader, observedApp, uniqueApps } from '../amapi/json-fields.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../snapshot.types.js';
import { isUserEnrollment, jamfOwnership } from './jamf-ownership.js';

/**
 * Jamf Pro API records as snapshots. Shapes (Jamf Pro API reference, as mirrored by
 * deploymenttheory/go-api-sdk-jamfpro and Jamf's published examples):
 *
 * - computer: `GET /api/v1/computers-inventory` results and `/api/v1/computers-inventory-detail/{id}`:
 *   `id`, `udid`, `general{name, reportDate, lastContactTime}`, `hardware{serialNumber}`,
 *   `operatingSystem{version}`, `userAndLocation{username, email, departmentId}`,
 *   `purchasing{leased, purchased}`, `applications[]{name, path, version, bundleId}`.
 * - mobile inventory: `GET /api/v2/mobile-devices/detail` results: `mobileDeviceId`, `deviceType`,
 *   `general{displayName, udid, osVersion, lastInventoryUpdateDate, deviceOwnershipType}`,
 *   `hardware{serialNumber}`, `userAndLocation{username, emailAddress, department}`,
 *   `purchasing`, `applications[]{identifier, name, version, shortVersion}`.
 * - mobile detail: `GET /api/v2/mobile-devices/{id}/detail`: `id`, `name`, `serialNumber`, `udid`,
 *   `osVersion`, `lastInventoryUpdateTimestamp`, `deviceOwnershipLevel`, `type`,
 *   `location{username, emailAddress}`, and per OS (`ios`, `tvos`, `watchos`, `visionos`)
 *   `applications[]` and `purchasing`.
 *
 * Uncertain: computers-inventory gives only `departmentId`, which needs `/api/v1/departments` to
 * become a name, so a computer's group is set only when an export adds `department`; the mobile
 * detail's `location` has no department in Jamf's examples either. Records carry secrets
 * (`unlockToken`, `bootstrapToken`); nothing here reads or repeats them.
 *
 * observedAt is the inventory report time (`general.reportDate`, `lastInventoryUpdateDate`,
 * `lastInventoryUpdateTimestamp`), else the last contact, else the file's modification time.
 *
 * Ids are prefixed (`computer:12`, `mobile-device:12`) because Jamf numbers computers and mobile
 * devices separately. Coverage is `full` when the applications section is present, except for
 * User Enrollments, where the MDM sees managed apps only.
 */
export type JamfRecordKind = 'computer' | 'mobile-inventory' | 'mobile-detail';

export function jamfRecordKind(record: FieldReader): JamfRecordKind | undefined {
  if (record.has('mobileDeviceId') || record.has('deviceType')) return 'mobile-inventory';
  if (['ios', 'tvos', 'watchos', 'visionos'].some((key) => record.has(key))) return 'mobile-detail';
  if (record.has('lastInventoryUpdateTimestamp') || (record.has('type') && record.has('serialNumber'))) {
    return 'mobile-detail';
  }
  if (record.has('general') || record.has('applications') || record.has('hardware')) return 'computer';
  return undefined;
}

export function jamfSnapshot(
  record: FieldReader,
  kind: JamfRecordKind,
  fallbackObservedAt: string,
): InventorySnapshot {
  switch (kind) {
    case 'computer':
      return computerSnapshot(record, fallbackObservedAt);
    case 'mobile-inventory':
      return mobileInventorySnapshot(record, fallbackObservedAt);
    case 'mobile-detail':
      return mobileDetailSnapshot(record, fallbackObservedAt);
  }
}

function computerSnapshot(record: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const general = record.object('general');
  const hardware = record.object('hardware');
  const user = record.object('userAndLocation');
  const device: ObservedDevice = {
    sourceDeviceId: `computer:${record.requiredString('id')}`,
    platform: 'macos',
  };
  assign(device, 'name', general?.string('name'));
  assign(device, 'holder', user?.string('username') ?? user?.string('email'));
  assign(device, 'serial', hardware?.string('serialNumber'));
  assign(device, 'udid', record.string('udid'));
  assign(device, 'osVersion', record.object('operatingSystem')?.string('version'));
  assign(device, 'ownership', jamfOwnership(undefined, record.object('purchasing')));
  assign(device, 'group', user?.string('department'));

  const applications = record.objects('applications', 'an application');
  const apps = (applications ?? []).flatMap((app): ObservedApp[] => {
    const name = app.string('name');
    const version = app.string('version');
    const bundleId = app.string('bundleId');
    if (bundleId !== undefined) return [observedApp('bundle-id', bundleId, { name, version })];
    return name === undefined ? [] : [observedApp('display-name', name, { name, version })];
  });
  return {
    source: 'jamf',
    device,
    observedAt: firstInstant(fallbackObservedAt, [general, 'reportDate'], [general, 'lastContactTime']),
    apps: uniqueApps(apps),
    coverage: applications === undefined ? 'partial' : 'full',
  };
}

function mobileInventorySnapshot(record: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const general = record.object('general');
  const hardware = record.object('hardware');
  const user = record.object('userAndLocation');
  const ownershipType = general?.string('deviceOwnershipType');
  const device: ObservedDevice = {
    sourceDeviceId: `mobile-device:${record.requiredString('mobileDeviceId')}`,
    platform: mobilePlatform(record.string('deviceType')),
  };
  assign(device, 'name', general?.string('displayName'));
  assign(device, 'holder', user?.string('username') ?? user?.string('emailAddress'));
  assign(device, 'serial', hardware?.string('serialNumber'));
  assign(device, 'udid', general?.string('udid'));
  assign(device, 'osVersion', general?.string('osVersion'));
  assign(device, 'ownership', jamfOwnership(ownershipType, record.object('purchasing')));
  assign(device, 'managementMode', ownershipType);
  assign(device, 'group', user?.string('department'));
  const applications = record.objects('applications', 'an application');
  return {
    source: 'jamf',
    device,
    observedAt: firstInstant(fallbackObservedAt, [general, 'lastInventoryUpdateDate']),
    apps: mobileApps(applications),
    coverage: applications === undefined || isUserEnrollment(ownershipType) ? 'partial' : 'full',
  };
}

function mobileDetailSnapshot(record: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const type = record.string('type');
  const osSection = ['ios', 'tvos', 'watchos', 'visionos']
    .map((key) => record.object(key))
    .find((section) => section !== undefined);
  const location = record.object('location');
  const ownershipType = record.string('deviceOwnershipLevel') ?? record.string('deviceOwnershipType');
  const device: ObservedDevice = {
    sourceDeviceId: `mobile-device:${record.requiredString('id')}`,
    platform: mobilePlatform(type ?? osSection?.path.split('.').at(-1)),
  };
  assign(device, 'name', record.string('name'));
  assign(device, 'holder', location?.string('username') ?? location?.string('emailAddress'));
  assign(device, 'serial', record.string('serialNumber'));
  assign(device, 'udid', record.string('udid'));
  assign(device, 'osVersion', record.string('osVersion'));
  assign(device, 'ownership', jamfOwnership(ownershipType, osSection?.object('purchasing')));
  assign(device, 'managementMode', ownershipType);
  assign(device, 'group', location?.string('department'));
  const applications = osSection?.objects('applications', 'an application');
  return {
    source: 'jamf',
    device,
    observedAt: firstInstant(fallbackObservedAt, [record, 'lastInventoryUpdateTimestamp']),
    apps: mobileApps(applications),
    coverage: applications === undefined || isUserEnrollment(ownershipType) ? 'partial' : 'full',
  };
}

function mobileApps(applications: FieldReader[] | undefined): ObservedApp[] {
  return uniqueApps(
    (applications ?? []).flatMap((app): ObservedApp[] => {
      const identifier = app.string('identifier');
      if (identifier === undefined) return [];
      const version = app.string('shortVersion') ?? app.string('version');
      return [observedApp('bundle-id', identifier, { name: app.string('name'), version })];
    }),
  );
}

/** `ios` covers iPhone and iPad; Apple TV, Watch and Vision Pro are platforms appban does not model. */
function mobilePlatform(type: string | undefined): ObservedDevice['platform'] {
  const key = (type ?? '').toLowerCase();
  return key === 'ios' || key === 'iphone' || key === 'ipad' || key === 'ipod' ? 'ios' : 'unknown';
}

function firstInstant(fallback: string, ...candidates: [FieldReader | undefined, string][]): string {
  for (const [reader, key] of candidates) {
    const instant = reader?.instant(key);
    if (instant !== undefined) return instant;
  }
  return fallback;
}

function assign<K extends keyof ObservedDevice>(
  device: ObservedDevice,
  key: K,
  value: ObservedDevice[K] | undefined,
): void {
  if (value !== undefined) device[key] = value;
}
