/** What appban tells people about; a channel subscribes to some of these, or to `*`. */
export const NOTIFICATION_KINDS = [
  'violation.new',
  'violation.overdue',
  'exception.expiring',
  'ban.review-due',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A channel's subscription: the kinds it wants, or `['*']` for all of them. */
export type EventFilter = readonly NotificationKind[] | readonly ['*'];

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export function filterMatches(events: readonly string[], kind: string): boolean {
  return events.includes('*') || events.includes(kind);
}
