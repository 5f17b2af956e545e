import { build, type PlistValue } from 'plist';
import { xmlSafeText } from '../device-target.js';

/**
 * A configuration profile (.mobileconfig, an XML property list) as Apple's schema lays it out:
 * top-level keys in `mdm/profiles/TopLevel.yaml`, the keys every payload carries in
 * `mdm/profiles/CommonPayloadKeys.yaml` (apple/device-management @b6202ca).
 */
export interface PayloadSpec {
  type: string;
  identifier: string;
  uuid: string;
  displayName: string;
  description: string;
  /** The payload's own keys, written after the common ones in the order given. */
  settings: Record<string, PlistValue>;
}

export interface ProfileSpec {
  identifier: string;
  uuid: string;
  displayName: string;
  description: string;
  /** `PayloadRemovalDisallowed`: on iOS honoured only on supervised devices. */
  removalDisallowed: boolean;
  /** `PayloadScope`, macOS only. */
  scope?: 'System' | 'User';
  payloads: PayloadSpec[];
}

export const MOBILECONFIG_MEDIA_TYPE = 'application/x-apple-aspen-config';

/**
 * Serialises the profile with tabs, a fixed key order and nothing taken from the clock, so the same
 * spec always yields the same bytes. Text goes through `xmlSafeText`: the plist builder escapes
 * `&`, `<` and `>` but throws on characters XML cannot carry.
 */
export function buildMobileconfig(spec: ProfileSpec): string {
  const profile: Record<string, PlistValue> = {
    PayloadContent: spec.payloads.map(payloadDict),
    PayloadDescription: xmlSafeText(spec.description),
    PayloadDisplayName: xmlSafeText(spec.displayName),
    PayloadIdentifier: spec.identifier,
    PayloadRemovalDisallowed: spec.removalDisallowed,
  };
  if (spec.scope !== undefined) profile.PayloadScope = spec.scope;
  profile.PayloadType = 'Configuration';
  profile.PayloadUUID = spec.uuid;
  profile.PayloadVersion = 1;
  return `${build(profile, { indent: '\t', newline: '\n' })}\n`;
}

function payloadDict(payload: PayloadSpec): Record<string, PlistValue> {
  return {
    PayloadDescription: xmlSafeText(payload.description),
    PayloadDisplayName: xmlSafeText(payload.displayName),
    PayloadIdentifier: payload.identifier,
    PayloadType: payload.type,
    PayloadUUID: payload.uuid,
    PayloadVersion: 1,
    ...payload.settings,
  };
}
