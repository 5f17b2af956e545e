/**
 * Calendar dates (`YYYY-MM-DD`, taken as UTC midnight) and ISO 8601 durations, the two time
 * notations of a ban file. Durations keep years, months and days apart because "six months after
 * 31 August" is a calendar question, not a count of milliseconds.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION_RE =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export const DAY_MS = 86_400_000;

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Parses `YYYY-MM-DD` into epoch milliseconds at UTC midnight; undefined if it is not a real date. */
export function parseCalendarDate(text: string): number | undefined {
  const match = DATE_RE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

export function isCalendarDate(text: string): boolean {
  return parseCalendarDate(text) !== undefined;
}

export function formatCalendarDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_RE.exec(text);
  if (!match) return undefined;
  const n = (i: number) => (match[i] === undefined ? 0 : Number(match[i]));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/**
 * Adds a duration to an instant. Months are calendar months clamped to the month's last day
 * (31 January + P1M = 28 or 29 February), as people read "one month later".
 */
export function addDuration(ms: number, duration: Duration): number {
  const date = new Date(ms);
  const totalMonths = date.getUTCMonth() + duration.months + duration.years * 12;
  const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    year,
    month,
    day,
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return (
    shifted +
    (duration.weeks * 7 + duration.days) * DAY_MS +
    ((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000
  );
}

/** Parses an instant given as a calendar date or a full ISO 8601 timestamp with a zone. */
export function parseInstant(text: string): number | undefined {
  const asDate = parseCalendarDate(text);
  if (asDate !== undefined) return asDate;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2023-02-30T00:00Z over to March; a real instant must keep its calendar day.
  return parseCalendarDate(text.slice(0, 10)) === undefined ? undefined : ms;
}
