const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CALENDAR_TIME =
  /^(?:[A-Za-z]{3},? +)?([A-Za-z]{3}) +(\d{1,2}) +(\d{2}):(\d{2}):(\d{2}) +(\d{4})(?: +UTC)?$/;
const UNIX_TIME = /^\d{1,12}(?:\.\d+)?$/;
/** 9999-12-31T23:59:59Z: beyond it toISOString() throws. */
const LATEST_MS = 253_402_300_799_000;

/** `unixTime` as osquery writes it: seconds, as a string or (with numerics) a number. */
export function unixTimeMs(value: unknown): number | undefined {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && UNIX_TIME.test(value.trim())) seconds = Number(value.trim());
  else return undefined;
  const ms = Math.round(seconds * 1000);
  return Number.isFinite(ms) && ms >= 0 && ms <= LATEST_MS ? ms : undefined;
}

/** `calendarTime`, e.g. `Thu Dec 28 14:40:08 2017 UTC` (osquery always logs UTC). */
export function calendarTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CALENDAR_TIME.exec(value.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf((match[1] ?? '').toLowerCase());
  const [day, hour, minute, second, year] = [match[2], match[3], match[4], match[5], match[6]].map(
    Number,
  ) as [number, number, number, number, number];
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}
