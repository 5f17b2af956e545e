import { OWNERSHIPS, type Ownership } from '../../bans/ban.types.js';
import type { DevicePlatform } from '../../catalog/catalog.types.js';
import type { ObservedDevice } from '../snapshot.types.js';
import { platformFromName } from './platform-names.js';
import { scalarText } from './scalar.js';

export interface HostEvidence {
  hostId: string;
  /** The latest line's `decorations` (osquery `decorators` queries, free-form by deployment). */
  decorations: Record<string, unknown> | undefined;
  /** A top-level `hostname`, which some loggers write. */
  hostname: string | undefined;
  /** What the host's inventory tables imply (apps with bundle ids: macOS; programs: Windows). */
  platformHint: DevicePlatform | undefined;
}

/**
 * The device as the log describes it. Decorations have no fixed names, so the usual ones are
 * read: `hostname`/`computer_name`, `hardware_serial`, `host_uuid`, `os_name`/`platform`,
 * `os_version`, and for the organisation's own data `holder`/`email`/`username`, `group`/`team`
 * and `ownership` (ignored unless one of owned, paid, byod, unknown).
 */
export function deviceOf(evidence: HostEvidence): ObservedDevice {
  const d = evidence.decorations ?? {};
  const text = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = scalarText(d[key]);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const platform =
    platformFromName(text('platform', 'os_platform', 'os_name', 'build_platform', 'platform_like')) ??
    evidence.platformHint ??
    'unknown';
  const device: ObservedDevice = { sourceDeviceId: evidence.hostId, platform };
  const name = text('hostname', 'computer_name', 'local_hostname') ?? evidence.hostname ?? evidence.hostId;
  device.name = name;
  assign(device, 'serial', text('hardware_serial', 'serial_number', 'serial'));
  assign(device, 'hardwareId', text('host_uuid', 'hardware_uuid', 'uuid'));
  assign(device, 'osVersion', text('os_version'));
  assign(device, 'holder', text('holder', 'email', 'username', 'user'));
  assign(device, 'group', text('group', 'team', 'team_name'));
  assign(device, 'ownership', ownershipOf(text('ownership')));
  return device;
}

function ownershipOf(value: string | undefined): Ownership | undefined {
  const lower = value?.toLowerCase();
  return (OWNERSHIPS as readonly string[]).includes(lower ?? '') ? (lower as Ownership) : undefined;
}

function assign<K extends keyof ObservedDevice>(
  device: ObservedDevice,
  key: K,
  value: ObservedDevice[K] | undefined,
) {
  if (value !== undefined) device[key] = value;
}
