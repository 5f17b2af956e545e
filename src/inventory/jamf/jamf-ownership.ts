import type { Ownership } from '../../bans/ban.types.js';
import type { FieldReader } from '../amapi/json-fields.js';

/**
 * Jamf's enrollment ownership, as `deviceOwnershipType` (`/api/v2/mobile-devices/detail`:
 * Institutional, UserEnrollment, AccountDrivenUserEnrollment, AccountDrivenDeviceEnrollment, and
 * PersonalDeviceProfile before Jamf Pro 11.25) or `deviceOwnershipLevel`
 * (`/api/v2/mobile-devices/{id}/detail`, e.g. "institutional"). User enrollments are personal
 * devices. An account-driven *device* enrollment can be either, so it says nothing.
 */
const OWNERSHIP_BY_ENROLLMENT = new Map<string, Ownership>([
  ['institutional', 'owned'],
  ['personal', 'byod'],
  ['personaldeviceprofile', 'byod'],
  ['userenrollment', 'byod'],
  ['accountdrivenuserenrollment', 'byod'],
]);

export function isUserEnrollment(ownershipType: string | undefined): boolean {
  const key = normalize(ownershipType);
  return key === 'userenrollment' || key === 'accountdrivenuserenrollment';
}

/**
 * Ownership from the enrollment type, refined by the purchasing section: a leased device the
 * organisation pays for is `paid`; one recorded as purchased, with no enrollment type saying
 * otherwise, is `owned`.
 */
export function jamfOwnership(
  ownershipType: string | undefined,
  purchasing: FieldReader | undefined,
): Ownership | undefined {
  const fromEnrollment = OWNERSHIP_BY_ENROLLMENT.get(normalize(ownershipType));
  if (fromEnrollment === 'byod') return 'byod';
  if (purchasing?.boolean('leased') === true) return 'paid';
  if (fromEnrollment !== undefined) return fromEnrollment;
  return purchasing?.boolean('purchased') === true ? 'owned' : undefined;
}

function normalize(value: string | undefined): string {
  return (value ?? '').replace(/[\s_-]/g, '').toLowerCase();
}
