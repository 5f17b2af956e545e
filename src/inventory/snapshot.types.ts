import type { Ownership } from '../bans/ban.types.js';
import { type DevicePlatform, IDENTIFIER_KINDS } from '../catalog/catalog.types.js';

/**
 * What an inventory calls an installed thing. The catalog's kinds are matched exactly;
 * `display-name` entries are matched by name (lower confidence); the rest are kept for the record.
 */
export const OBSERVED_KINDS = [
  ...IDENTIFIER_KINDS,
  'chrome-extension',
  'deb-package',
  'rpm-package',
  'program',
] as const;
export type ObservedKind = (typeof OBSERVED_KINDS)[number];

export interface ObservedApp {
  kind: ObservedKind;
  value: string;
  name?: string;
  version?: string;
  publisher?: string;
}

export interface ObservedDevice {
  /** Stable id within the source: osquery hostIdentifier, UDID, AMAPI device name, Intune id... */
  sourceDeviceId: string;
  name?: string;
  holder?: string;
  serial?: string;
  udid?: string;
  hardwareId?: string;
  platform: DevicePlatform | 'unknown';
  osVersion?: string;
  ownership?: Ownership;
  managementMode?: string;
  group?: string;
}

export interface InventorySnapshot {
  /** The source format that produced it, e.g. `osquery`. */
  source: string;
  device: ObservedDevice;
  /** When the source observed the device (ISO 8601, UTC), not when appban imported it. */
  observedAt: string;
  apps: ObservedApp[];
  /**
   * `full`: everything installed at that time, so an absent app is absent.
   * `partial`: evidence of some apps only (Santa execution events, one differential line without
   * its base), which can show a violation but never prove compliance.
   */
  coverage: 'full' | 'partial';
}

export interface ParseInput {
  /** Path shown in errors. */
  path: string;
  /** Opens the file from its start; sources that stream call it once. */
  open(): NodeJS.ReadableStream;
}

export interface InventorySource {
  name: string;
  title: string;
  /**
   * How sure the source is that a file is in its format, from its first bytes (up to 64 KiB) and
   * name: 0 = not mine, 1 = certainly mine.
   */
  sniff(head: string, fileName: string): number;
  /**
   * Streams the file's snapshots. Throws AppbanError PARSE_ERROR (or UNSAFE_XML) with the file and
   * line or JSON path on malformed input; the caller discards everything from that file.
   */
  parse(input: ParseInput, options: ParseOptions): AsyncIterable<InventorySnapshot>;
}

export interface ParseOptions {
  /** A label for where the file came from (`--source`), e.g. `fleet-eu`. */
  sourceLabel?: string;
}
