import type { BannedIdentifier } from '../bans/ban.resolve.js';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';

/** Everything a target needs; targets never read files, the clock or the store. */
export interface EnforcementContext {
  ban: Ban;
  /** Short content hash of the ban: the revision an artifact says it implements. */
  revision: string;
  catalog: Catalog;
  /** The ban's identifiers after confidence and platform filtering (see `bannedIdentifiers`). */
  identifiers: BannedIdentifier[];
  /** Sorted registrable domains to block; empty unless the ban has `network: true`. */
  domains: string[];
}

export interface Artifact {
  /** File name relative to the output directory, e.g. `apple/tiktok-ban.mobileconfig`. */
  fileName: string;
  mediaType: string;
  content: string;
  description: string;
}

/** What the manifest says about one target's output: where it goes and what it needs. */
export interface TargetManifest {
  target: string;
  title: string;
  files: { name: string; description: string; mediaType: string; sha256: string }[];
  deployTo: string;
  requires: string[];
  limitations: string[];
  /** How the ban's exceptions travel in this system (exclusion groups, per-device rules...). */
  exceptions: string[];
  notes: string[];
}

export interface TargetOutput {
  artifacts: Artifact[];
  deployTo: string;
  requires: string[];
  limitations: string[];
  exceptions: string[];
  /** Notes for the operator that are not failures (identifiers this target cannot express...). */
  notes: string[];
}

export interface EnforcementTarget {
  name: string;
  title: string;
  /** Throws AppbanError TARGET_NOT_APPLICABLE when the ban has nothing this target can express. */
  generate(context: EnforcementContext): TargetOutput;
}
