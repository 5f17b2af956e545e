/** The shapes of the public API (docs/api.md). Instants are ISO 8601 UTC strings. */

export const STATES = ['violating', 'overdue', 'compliant', 'excepted', 'unknown', 'not-in-scope'] as const;
export type State = (typeof STATES)[number];

export type Counts = Record<State, number> & { inScope: number };

export interface User {
  username: string;
  role: string;
}

export interface Me {
  user: User;
  csrfToken?: string;
  permissions: string[];
}

export interface Period {
  start: string;
  minimum?: string;
  review?: string;
  end?: string;
}

export interface BanSummary {
  id: string;
  title: string;
  revision: number;
  appliedAt: string;
  appliedBy: string;
  jurisdiction: string | null;
  period: Period;
  counts: Counts;
}

export interface BanDocument {
  id: string;
  title: string;
  jurisdiction?: string;
  authority: string;
  basis: { summary: string; instrument?: string; references: string[] };
  precedent?: string;
  targets: { app?: string; publisher?: string; platforms?: string[] }[];
  scope: {
    ownership: string[];
    groups: { include: string[]; exclude: string[] };
    platforms: 'all' | string[];
  };
  period: Period;
  removal: { deadline: string };
  network: boolean;
  exceptions: { id: string; reason: string; expires: string; approvedBy: string }[];
  notes?: string;
}

export interface RevisionSummary {
  revision: number;
  appliedAt: string;
  appliedBy: string;
  contentHash: string;
}

export interface BanDetail {
  id: string;
  revision: number;
  contentHash: string;
  appliedAt: string;
  appliedBy: string;
  ban: BanDocument;
  yaml: string;
  timeline: {
    start: string;
    minimumEnd: string | null;
    review: string | null;
    end: string | null;
    deadline: string;
  };
  revisions: RevisionSummary[];
  precedent: { id: string; title: string } | null;
}

export interface BanDiff {
  banId: string;
  from: number;
  to: number;
  changes: { path: string; before: unknown; after: unknown }[];
}

export interface EnforcementTarget {
  target: string;
  title: string;
  available: boolean;
  reason?: string;
  files: { name: string; mediaType: string; bytes: number; sha256: string }[];
}

export interface ExceptionSubjects {
  group?: string;
  devices?: string[];
  holders?: string[];
}

export type ExceptionStatus = 'requested' | 'approved' | 'revoked';

export interface BanExceptionRecord {
  id: string;
  banId: string;
  subjects: ExceptionSubjects;
  reason: string;
  status: ExceptionStatus;
  requestedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  startsAt: string | null;
  expiresAt: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  inForce: boolean;
}

export interface DeviceState {
  banId: string;
  state: State;
  deadline: string | null;
}

export interface DeviceSummary {
  id: number;
  name: string | null;
  holder: string | null;
  group: string | null;
  ownership: string;
  platform: string;
  osVersion: string | null;
  lastSeenAt: string;
  states: DeviceState[];
}

export interface DevicePage {
  devices: DeviceSummary[];
  total: number;
  nextAfter: number | string | null;
}

/** The device page's parts; fields beyond the documented ones are read defensively. */
export interface DeviceDetail {
  device: DeviceSummary & Record<string, unknown>;
  sources: Record<string, unknown>[];
  apps: Record<string, unknown>[];
  findings: Record<string, unknown>[];
  history: Record<string, unknown>[];
}

export interface OverviewBan {
  id: string;
  title: string;
  revision: number;
  counts: Counts;
  topOverdueGroups: { group: string | null; overdue: number }[];
}

export type UpcomingKind = 'deadline' | 'review' | 'exception-expiry' | 'minimum-end' | 'ban-end';

export interface UpcomingItem {
  kind: UpcomingKind;
  at: string;
  banId: string;
  title: string;
  detail: string;
  exceptionId?: string;
}

export interface Overview {
  at: string;
  bans: OverviewBan[];
  upcoming: UpcomingItem[];
}

export interface TrendPoint {
  at: string;
  counts: Counts;
}

export interface Trend {
  banId: string;
  points: TrendPoint[];
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  objectType?: string;
  objectId?: string | null;
  hash: string;
  prevHash?: string | null;
  [key: string]: unknown;
}

export interface AuditPage {
  events: AuditEvent[];
  head: { seq: number; hash: string } | null;
}

export interface AuditVerify {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string } | null;
  problems: { seq: number; kind: string; message: string }[];
}

export interface ReportBan {
  id: string;
  revision: number;
  title: string;
  counts: Counts;
  groups: { group: string | null; counts: Counts }[];
}

export interface ReportFinding {
  deviceId: number;
  deviceName: string | null;
  holder: string | null;
  group: string | null;
  banId: string;
  state: 'violating' | 'overdue';
  apps: string[];
  since: string;
  deadline: string | null;
}

export interface ComplianceReport {
  at: string;
  bans: ReportBan[];
  findings: ReportFinding[];
}
