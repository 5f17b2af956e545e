import type { Ownership } from '../../bans/ban.types.js';
import { parseInstant } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { formatJsonPath, type JsonPathSegment } from '../json-stream/json-path.js';
import { platformFromName } from '../osquery/platform-names.js';
import { isRecord, scalarText } from '../osquery/scalar.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../snapshot.types.js';
import { fleetApp } from './fleet-software.js';

/**
 * When the software list was read, best first. `software_updated_at` dates the list itself;
 * `detail_updated_at` and `seen_time` (the last check-in) are later or equal, so they are used only
 * when it is missing. Field names: fleetdm/fleet docs/REST API/rest-api.md ("Get host").
 */
const TIME_FIELDS = ['software_updated_at', 'detail_updated_at', 'seen_time'] as const;

/** Fleet writes never-set times as Go's zero time (`0001-01-01T00:00:00Z`) or near the epoch. */
const EARLIEST_REAL_MS = Date.UTC(1971, 0, 1);

function isNeverTime(value: string): boolean {
  const year = /^(\d{4})-/.exec(value)?.[1];
  return year !== undefined && Number(year) < 1971;
}

/**
 * `mdm.enrollment_status` values (fleetdm/fleet frontend `MdmEnrollmentStatus`): automatic
 * enrollment (Apple ADE) and "company-owned" mean the organisation owns the device; "personal"
 * ones are BYOD. "On (manual)" says nothing about who owns it.
 */
const OWNERSHIP_BY_ENROLLMENT: Record<string, Ownership> = {
  'on (automatic)': 'owned',
  'on (company-owned)': 'owned',
  'on (personal)': 'byod',
  'on (manual - personal)': 'byod',
};

/** One host object of the Fleet API (`host` or an element of `hosts`) as a snapshot. */
export function fleetHostSnapshot(
  host: unknown,
  path: readonly JsonPathSegment[],
  file: string,
): InventorySnapshot {
  const fail = (message: string, at: readonly JsonPathSegment[] = path) =>
    new AppbanError('PARSE_ERROR', message, { location: { file, path: formatJsonPath(at) } });
  if (!isRecord(host)) throw fail('host is not an object');

  const observedMs = observedMsOf(host, path, fail);
  const device = deviceOf(host, fail);
  const software = host.software;
  let apps: ObservedApp[] = [];
  if (software !== undefined && software !== null) {
    if (!Array.isArray(software)) throw fail('`software` is not an array', [...path, 'software']);
    apps = software.map((entry, index) => fleetApp(entry, [...path, 'software', index], file));
  }
  // A host listed without `populate_software` has no list at all: seen, but its apps unknown.
  // Personally owned iOS/iPadOS hosts report only the apps Fleet installed and Android work
  // profiles only work-profile apps (Fleet software-inventory guide), so their lists are partial.
  const personalMobile =
    device.ownership === 'byod' && (device.platform === 'ios' || device.platform === 'android');
  const coverage = Array.isArray(software) && !personalMobile ? 'full' : 'partial';
  return { source: 'fleet', device, observedAt: new Date(observedMs).toISOString(), apps, coverage };
}

function observedMsOf(
  host: Record<string, unknown>,
  path: readonly JsonPathSegment[],
  fail: (message: string, at?: readonly JsonPathSegment[]) => AppbanError,
): number {
  for (const field of TIME_FIELDS) {
    const value = host[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' && isNeverTime(value.trim())) continue;
    const ms = typeof value === 'string' ? parseInstant(value.trim()) : undefined;
    if (ms === undefined) throw fail(`\`${field}\` is not an ISO 8601 time with a zone`, [...path, field]);
    if (ms >= EARLIEST_REAL_MS) return ms;
  }
  throw fail(
    'host has no software_updated_at, detail_updated_at or seen_time, so it cannot be placed in time',
  );
}

function deviceOf(host: Record<string, unknown>, fail: (message: string) => AppbanError): ObservedDevice {
  const platform =
    platformFromName(scalarText(host.platform)) ?? platformFromName(scalarText(host.platform_like));
  const uuid = scalarText(host.uuid);
  const serial = scalarText(host.hardware_serial);
  const fleetId = scalarText(host.id);
  const sourceDeviceId = uuid ?? serial ?? (fleetId === undefined ? undefined : `fleet-host-${fleetId}`);
  if (sourceDeviceId === undefined) throw fail('host has no uuid, hardware_serial or id');

  const device: ObservedDevice = { sourceDeviceId, platform: platform ?? 'unknown' };
  const name = scalarText(host.display_name) ?? scalarText(host.computer_name) ?? scalarText(host.hostname);
  if (name !== undefined) device.name = name;
  if (serial !== undefined) device.serial = serial;
  if (uuid !== undefined) device.hardwareId = uuid;
  const osVersion = scalarText(host.os_version);
  if (osVersion !== undefined) device.osVersion = osVersion;
  const group = scalarText(host.team_name) ?? scalarText(host.fleet_name);
  if (group !== undefined) device.group = group;
  const holder = holderOf(host);
  if (holder !== undefined) device.holder = holder;

  const enrollment = isRecord(host.mdm) ? scalarText(host.mdm.enrollment_status) : undefined;
  if (enrollment !== undefined) {
    device.managementMode = enrollment;
    const ownership = OWNERSHIP_BY_ENROLLMENT[enrollment.toLowerCase()];
    if (ownership !== undefined) device.ownership = ownership;
  }
  // On an Apple mobile device Fleet's uuid is the UDID, except for personal (user) enrollments,
  // where it is an enrollment id.
  if (uuid !== undefined && platform === 'ios' && device.ownership !== 'byod') device.udid = uuid;
  return device;
}

/** The person: the first e-mail of `device_mapping`, else an identity-provider user name. */
function holderOf(host: Record<string, unknown>): string | undefined {
  for (const list of [host.device_mapping, host.end_users]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const holder = scalarText(entry.email) ?? scalarText(entry.idp_username) ?? scalarText(entry.idp_email);
      if (holder !== undefined) return holder;
    }
  }
  return undefined;
}
