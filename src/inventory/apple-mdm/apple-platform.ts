import type { PlistNode } from '../safe-xml/plist-reader.js';

/**
 * Response keys Apple's schema marks `macOS: n/a` (apple/device-management,
 * mdm/commands/application.installed.list.yaml), so their presence means iOS, iPadOS, tvOS or
 * visionOS.
 */
const KEYS_ABSENT_ON_MACOS = [
  'DistributorIdentifier',
  'DynamicSize',
  'IsValidated',
  'AppStoreVendable',
  'DeviceBasedVPP',
  'BetaApp',
  'AdHocCodeSigned',
  'IsAppClip',
  'Source',
];

/** Apple apps that exist on macOS only (their iOS counterparts use other bundle ids). */
const MACOS_ONLY_BUNDLE_IDS = new Set([
  'com.apple.finder',
  'com.apple.Safari',
  'com.apple.mail',
  'com.apple.dt.Xcode',
  'com.apple.Terminal',
  'com.apple.systempreferences',
  'com.apple.ActivityMonitor',
  'com.apple.Console',
  'com.apple.DiskUtility',
]);

export type ApplePlatform = 'ios' | 'macos';

/**
 * An InstalledApplicationList response does not say which OS answered, so the apps decide, in
 * this order:
 * 1. a key Apple documents as absent on macOS (DynamicSize, IsValidated, BetaApp...) → iOS;
 * 2. an app without `Identifier` → macOS (the schema: "always present on iOS and tvOS, but may be
 *    missing on macOS");
 * 3. an Apple app that exists on macOS only (`com.apple.finder`, `com.apple.dt.Xcode`...) → macOS;
 * 4. otherwise iOS: the command is the only app inventory an MDM has for iPhones and iPads,
 *    whereas Macs usually also run an agent, and a ban scoped to phones must not miss a device
 *    for want of evidence. tvOS and visionOS answers read as iOS too (appban has no such
 *    platforms).
 */
export function guessApplePlatform(apps: ReadonlyArray<ReadonlyMap<string, PlistNode>>): ApplePlatform {
  if (apps.some((app) => KEYS_ABSENT_ON_MACOS.some((key) => app.has(key)))) return 'ios';
  if (apps.some((app) => !app.has('Identifier'))) return 'macos';
  const identifiers = apps.flatMap((app) => {
    const node = app.get('Identifier');
    return node?.kind === 'string' ? [node.value] : [];
  });
  return identifiers.some((id) => MACOS_ONLY_BUNDLE_IDS.has(id)) ? 'macos' : 'ios';
}
