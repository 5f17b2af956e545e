import { OWNERSHIPS, type Ownership } from '../../bans/ban.types.js';
import { DEVICE_PLATFORMS, type DevicePlatform } from '../../catalog/catalog.types.js';

/** Device platform codes: the index in DEVICE_PLATFORMS, and one more for a platform nobody reported. */
export const UNKNOWN_PLATFORM = DEVICE_PLATFORMS.length;
export type PlatformOrUnknown = DevicePlatform | 'unknown';

export function platformCode(platform: string | undefined): number {
  const at = DEVICE_PLATFORMS.indexOf(platform as DevicePlatform);
  return at < 0 ? UNKNOWN_PLATFORM : at;
}

export function platformName(code: number): PlatformOrUnknown {
  return DEVICE_PLATFORMS[code] ?? 'unknown';
}

/** Ownership codes: the index in OWNERSHIPS; anything unrecognised is `unknown`. */
export function ownershipCode(ownership: string | undefined): number {
  const at = OWNERSHIPS.indexOf(ownership as Ownership);
  return at < 0 ? OWNERSHIPS.indexOf('unknown') : at;
}

export function ownershipName(code: number): Ownership {
  return OWNERSHIPS[code] ?? 'unknown';
}
