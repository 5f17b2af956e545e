export const PLATFORMS = ['ios', 'android', 'macos', 'windows', 'linux', 'chromeos', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Device platforms: where an app can be installed (the web is reached through DNS, not a device). */
export const DEVICE_PLATFORMS = ['ios', 'android', 'macos', 'windows', 'linux', 'chromeos'] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

/**
 * What an identifier names. One kind can exist on several platforms (a bundle id on iOS and
 * macOS); the pair (platform, kind) says how a target or an inventory source uses it.
 */
export const IDENTIFIER_KINDS = [
  'package', // Android application id
  'bundle-id', // Apple CFBundleIdentifier
  'app-store-id', // Apple App Store numeric id
  'team-id', // Apple Developer Team ID (10 characters)
  'signing-id', // Apple code-signing identifier, `TEAMID:bundle.id`
  'store-id', // Microsoft Store product id
  'package-family-name', // Windows AppX package family name
  'package-name', // Windows AppX package identity name
  'signer', // Authenticode subject of the signing certificate
  'display-name', // a name as inventories show it, for sources that have no bundle ids
  'domain', // a DNS name, matching its subdomains too
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * How sure we are that the identifier belongs to the app. `unconfirmed` identifiers are kept for
 * detection and review but enforced only when a ban opts in (`include_unconfirmed: true`).
 */
export const CONFIDENCES = ['high', 'medium', 'low', 'unconfirmed'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** `any`: an identifier not tied to one platform, such as a display name. */
export type IdentifierPlatform = Platform | 'any';

export interface AppIdentifier {
  platform: IdentifierPlatform;
  kind: IdentifierKind;
  value: string;
  source: string;
  confidence: Confidence;
  note?: string;
}

export interface CatalogApp {
  id: string;
  name: string;
  publisher: string;
  aliases: string[];
  description?: string;
  identifiers: AppIdentifier[];
}

export interface Publisher {
  id: string;
  name: string;
  aliases: string[];
  country: string;
  parent?: string;
  source: string;
  /** Shared infrastructure of the publisher, blocked only when a ban targets the publisher itself. */
  identifiers: AppIdentifier[];
  apps: string[];
}

export interface Catalog {
  apps: ReadonlyMap<string, CatalogApp>;
  publishers: ReadonlyMap<string, Publisher>;
}
