import type { StateCounts } from '../engine/states.js';

/** What `appban report` answers, for one instant. Field names are a contract (see DESIGN.md). */
export interface ComplianceReport {
  /** The instant reported on, ISO 8601 UTC. */
  at: string;
  bans: ReportBan[];
  /** The violating and overdue devices, by ban, most overdue first. */
  findings: ReportFinding[];
}

export interface ReportBan {
  id: string;
  /** The revision in force at `at`. */
  revision: number;
  title: string;
  counts: StateCounts;
  /** The same counts per device group (exact path; `null`: devices without a group). */
  groups: ReportGroup[];
}

export interface ReportGroup {
  group: string | null;
  counts: StateCounts;
}

export interface ReportFinding {
  deviceId: number;
  deviceName: string | null;
  holder: string | null;
  group: string | null;
  banId: string;
  state: 'violating' | 'overdue';
  /** Catalog app names; `(name match)` marks a match by display name only. */
  apps: string[];
  /** When the violation began, ISO 8601 UTC. */
  since: string;
  /** The last day for removal, `YYYY-MM-DD`. */
  deadline: string | null;
}

export interface ReportQuery {
  /** Epoch ms; default now. */
  at?: number;
  banId?: string;
  /** Only devices in this group or below it. */
  group?: string;
}
