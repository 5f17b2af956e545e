import { formatCalendarDate } from '../lib/dates.js';
import type { NotificationKind } from './notification.kinds.js';

/** The JSON a notification carries: what a person needs to act, and what a webhook receiver parses. */
export type NotificationPayload = ViolationPayload | ExceptionExpiringPayload | ReviewDuePayload;

interface PayloadBase {
  kind: NotificationKind;
  /** When appban raised it (ISO 8601). */
  at: string;
  /** One line for people, e.g. `New violation: TikTok on laptop-123 (be-federal-tiktok-2023)`. */
  summary: string;
  ban: { id: string; title: string };
}

export interface PayloadDevice {
  id: number;
  name: string | null;
  holder: string | null;
  group: string | null;
  platform: string | null;
}

export interface PayloadApp {
  /** The catalog app, e.g. `tiktok`, when known. */
  app: string | null;
  name: string | null;
  identifier: string;
}

export interface ViolationPayload extends PayloadBase {
  kind: 'violation.new' | 'violation.overdue';
  device: PayloadDevice;
  apps: PayloadApp[];
  /** When the violation began (observation time, ISO 8601). */
  since: string;
  /** The last day allowed for removal (YYYY-MM-DD), if the ban sets one. */
  deadline: string | null;
  /** Overdue notifications: the instant the device became overdue (ISO 8601). */
  overdueSince?: string;
}

export interface ExceptionExpiringPayload extends PayloadBase {
  kind: 'exception.expiring';
  exception: {
    id: string;
    reason: string;
    approvedBy: string | null;
    subjects: unknown;
    /** The first instant no longer covered (ISO 8601). */
    expiresAt: string;
  };
}

export interface ReviewDuePayload extends PayloadBase {
  kind: 'ban.review-due';
  /** YYYY-MM-DD */
  reviewDate: string;
  daysLeft: number;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function deviceLabel(device: PayloadDevice): string {
  return device.name ?? `device ${device.id}`;
}

export function appsLabel(apps: readonly PayloadApp[]): string {
  const names = [...new Set(apps.map((a) => a.name ?? a.app ?? a.identifier))];
  if (names.length === 0) return 'a banned app';
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

export function violationSummary(
  kind: ViolationPayload['kind'],
  banId: string,
  device: PayloadDevice,
  apps: readonly PayloadApp[],
): string {
  const what = kind === 'violation.new' ? 'New violation' : 'Overdue violation';
  return `${what}: ${appsLabel(apps)} on ${deviceLabel(device)} (${banId})`;
}

export function exceptionSummary(exceptionId: string, banId: string, expiresAt: number): string {
  return `Exception ${exceptionId} expires ${iso(expiresAt).slice(0, 16).replace('T', ' ')} UTC (${banId})`;
}

export function reviewSummary(banId: string, reviewDate: string): string {
  return `Ban review due ${reviewDate}: ${banId}`;
}

export function deadlineDate(deadline: number | null): string | null {
  return deadline === null ? null : formatCalendarDate(deadline);
}
