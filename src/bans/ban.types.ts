import type { DevicePlatform } from '../catalog/catalog.types.js';

export const OWNERSHIPS = ['owned', 'paid', 'byod', 'unknown'] as const;
/**
 * `owned`: bought by the organisation; `paid`: the organisation pays for it or its subscription
 * (Belgium's "purchase, subscription or use ... related to the federal government");
 * `byod`: a personal device enrolled in the organisation's device management.
 */
export type Ownership = (typeof OWNERSHIPS)[number];

export type BanTarget =
  | { app: string; publisher?: undefined; platforms?: DevicePlatform[]; includeUnconfirmed: boolean }
  | { publisher: string; app?: undefined; platforms?: DevicePlatform[]; includeUnconfirmed: boolean };

export interface ExceptionSubjects {
  group?: string;
  devices?: string[];
  holders?: string[];
}

export interface BanException {
  id: string;
  subjects: ExceptionSubjects;
  reason: string;
  approvedBy: string;
  /** Calendar date; the exception covers devices up to the end of this day. */
  expires: string;
  starts?: string;
  note?: string;
}

export interface Ban {
  id: string;
  title: string;
  jurisdiction?: string;
  authority: string;
  basis: { summary: string; instrument?: string; references: string[] };
  precedent?: string;
  targets: BanTarget[];
  scope: {
    ownership: Ownership[];
    groups: { include: string[]; exclude: string[] };
    platforms: 'all' | DevicePlatform[];
  };
  period: { start: string; minimum?: string; review?: string; end?: string };
  removal: { deadline: string };
  network: boolean;
  exceptions: BanException[];
  notes?: string;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  code: string;
  message: string;
  line: number;
  column: number;
  /** The field at fault, as a dotted path such as `exceptions[0].expires`. */
  path: string;
}
