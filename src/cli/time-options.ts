import { DAY_MS, parseCalendarDate, parseInstant } from '../lib/dates.js';
import { AppbanError } from '../lib/errors.js';

/**
 * An instant from the command line. A bare date means the end of that day (`report --at
 * 2023-06-01` answers "as of 1 June") or its start (a revision taking effect that day).
 */
export function parseAtOption(text: string, dateMeans: 'start' | 'end'): number {
  const day = parseCalendarDate(text);
  if (day !== undefined) return dateMeans === 'start' ? day : day + DAY_MS - 1;
  const instant = parseInstant(text);
  if (instant === undefined) {
    throw new AppbanError(
      'USAGE',
      `at ${text} is not a date (YYYY-MM-DD) or an ISO 8601 timestamp with a zone`,
    );
  }
  return instant;
}
