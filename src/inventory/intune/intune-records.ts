import type { Ownership } from '../../bans/ban.types.js';
import { type FieldReader, observedApp } from '../amapi/json-fields.js';
import type { ObservedApp, ObservedDevice } from '../snapshot.types.js';

/**
 * Microsoft Graph Intune records (domain.md §3.3; types from @microsoft/microsoft-graph-types):
 * `managedDevice` (`id`, `deviceName`, `operatingSystem`, `osVersion`, `serialNumber`, `udid`,
 * `azureADDeviceId`, `userPrincipalName`, `emailAddress`, `managedDeviceOwnerType`,
 * `managementAgent`, `deviceCategoryDisplayName`, `lastSyncDateTime`, `enrolledDateTime`,
 * `detectedApps`) and `detectedApp` (`id`, `displayName`, `version`, beta `publisher` and
 * `platform`, `managedDevices`).
 *
 * A detectedApp carries no bundle id or package name, so each becomes a `display-name` entry;
 * matching it against the catalog is by name and of lower confidence.
 */
const OWNERSHIP = new Map<string, Ownership>([
  ['company', 'owned'],
  ['personal', 'byod'],
]);

export function isDetectedApp(record: FieldReader): boolean {
  const type = record.string('@odata.type');
  if (type !== undefined) return type === '#microsoft.graph.detectedApp';
  if (record.has('deviceName') || record.has('operatingSystem') || record.has('managedDeviceOwnerType'))
    return false;
  return (
    record.has('displayName') &&
    (record.has('managedDevices') ||
      record.has('sizeInByte') ||
      record.has('deviceCount') ||
      record.has('version'))
  );
}

export function managedDeviceOf(record: FieldReader, fallbackPlatform?: string): ObservedDevice {
  const device: ObservedDevice = {
    sourceDeviceId: record.requiredString('id'),
    platform: intunePlatform(record.string('operatingSystem') ?? fallbackPlatform),
  };
  const set = <K extends keyof ObservedDevice>(key: K, value: ObservedDevice[K] | undefined) => {
    if (value !== undefined) device[key] = value;
  };
  set('name', record.string('deviceName'));
  set('holder', record.string('userPrincipalName') ?? record.string('emailAddress'));
  set('serial', record.string('serialNumber'));
  set('udid', record.string('udid'));
  set('hardwareId', record.string('azureADDeviceId'));
  set('osVersion', record.string('osVersion'));
  set('ownership', OWNERSHIP.get(record.string('managedDeviceOwnerType') ?? ''));
  set('managementMode', record.string('managementAgent'));
  // Device categories are how Intune sorts devices into departments; "Unknown" is its default.
  const category = record.string('deviceCategoryDisplayName');
  if (category !== undefined && category !== 'Unknown' && category !== 'Unassigned') device.group = category;
  return device;
}

/** When Intune last heard from the device; Graph writes "0001-01-01T00:00:00Z" for never. */
export function managedDeviceSeenAt(record: FieldReader): string | undefined {
  for (const key of ['lastSyncDateTime', 'enrolledDateTime']) {
    const instant = record.instant(key);
    if (instant !== undefined && !instant.startsWith('0001-')) return instant;
  }
  return undefined;
}

export function detectedAppEntry(record: FieldReader): ObservedApp | undefined {
  const displayName = record.string('displayName');
  if (displayName === undefined) return undefined;
  return observedApp('display-name', displayName, {
    name: displayName,
    version: record.string('version'),
    publisher: record.string('publisher'),
  });
}

/**
 * `operatingSystem` values seen from Intune ("iOS", "iPadOS", "Android", "AndroidForWork",
 * "Windows", "macOS", "Linux", "ChromeOS") and detectedApp `platform` values ("ios", "macOS",
 * "androidWorkProfile", "windowsHolographic"...).
 */
export function intunePlatform(value: string | undefined): ObservedDevice['platform'] {
  const key = (value ?? '').toLowerCase().replace(/\s+/g, '');
  if (key === 'ios' || key === 'ipados') return 'ios';
  if (key.startsWith('android')) return 'android';
  if (key.startsWith('windows')) return 'windows';
  if (key === 'macos' || key === 'osx' || key === 'macosx') return 'macos';
  if (key === 'linux' || key === 'ubuntu') return 'linux';
  if (key === 'chromeos') return 'chromeos';
  return 'unknown';
}
