import { suggestId } from '../catalog/catalog.lookup.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { addDuration, formatCalendarDate, parseCalendarDate, parseDuration } from '../lib/dates.js';
import type { ErrorCode } from '../lib/errors.js';
import { bannedIdentifiers } from './ban.resolve.js';
import type { Ban, Severity } from './ban.types.js';
import type { FieldPath } from './yaml-positions.js';

/** A rule's finding before it is given a line and column. */
export interface RawProblem {
  severity: Severity;
  code: ErrorCode;
  message: string;
  path: FieldPath;
  at?: 'key' | 'value';
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asObj = (value: unknown): Obj => (isObj(value) ? value : {});

/**
 * The rules the schema alone cannot express: calendar logic, catalog lookups, completeness of
 * exceptions and duplicate ids. They run on the raw document, whether or not the schema passed,
 * so one run reports every problem in the file.
 */
export function checkBanRules(raw: unknown, catalog: Catalog): RawProblem[] {
  const problems: RawProblem[] = [];
  const doc = asObj(raw);
  const error = (code: ErrorCode, message: string, path: FieldPath, at?: 'key' | 'value') =>
    problems.push(
      at ? { severity: 'error', code, message, path, at } : { severity: 'error', code, message, path },
    );
  const warning = (code: ErrorCode, message: string, path: FieldPath) =>
    problems.push({ severity: 'warning', code, message, path });

  checkTargets(doc.targets, catalog, error, warning);

  const period = asObj(doc.period);
  const date = (value: unknown, path: FieldPath): number | undefined => {
    if (value === undefined) return undefined;
    const ms = typeof value === 'string' ? parseCalendarDate(value) : undefined;
    if (ms === undefined) {
      error(
        'BAN_INVALID_DATE',
        `${String(value)} is not a calendar date; write YYYY-MM-DD, e.g. 2023-03-10`,
        path,
      );
    }
    return ms;
  };
  const duration = (value: unknown, path: FieldPath) => {
    if (value === undefined) return undefined;
    const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
    if (!parsed) {
      error(
        'BAN_INVALID_DURATION',
        `${String(value)} is not an ISO 8601 duration; write e.g. P6M (six months), P30D (30 days), P1Y`,
        path,
      );
    }
    return parsed;
  };

  const start = date(period.start, ['period', 'start']);
  const review = date(period.review, ['period', 'review']);
  const end = date(period.end, ['period', 'end']);
  const minimum = duration(period.minimum, ['period', 'minimum']);
  duration(asObj(doc.removal).deadline, ['removal', 'deadline']);

  if (start !== undefined && end !== undefined && end < start) {
    error(
      'BAN_END_BEFORE_START',
      `the ban ends (${String(period.end)}) before it starts (${String(period.start)})`,
      ['period', 'end'],
    );
  } else if (start !== undefined && end !== undefined && minimum) {
    const earliestEnd = addDuration(start, minimum);
    if (end < earliestEnd) {
      error(
        'BAN_PERIOD_TOO_SHORT',
        `the ban must last at least ${String(period.minimum)} from ${String(period.start)}, so it cannot end before ${formatCalendarDate(earliestEnd)}; it ends ${String(period.end)}`,
        ['period', 'end'],
      );
    }
  }
  if (start !== undefined && review !== undefined && review < start) {
    error(
      'BAN_REVIEW_BEFORE_START',
      `the review date ${String(period.review)} is before the start ${String(period.start)}`,
      ['period', 'review'],
    );
  }

  checkExceptions(doc.exceptions, end, String(period.end), date, error, warning);
  return problems;
}

type Report = (code: ErrorCode, message: string, path: FieldPath, at?: 'key' | 'value') => void;

function checkTargets(targets: unknown, catalog: Catalog, error: Report, warning: Report): void {
  if (!Array.isArray(targets) || targets.length === 0) {
    error(
      'BAN_NO_TARGETS',
      'the ban names no app or publisher; add e.g. `targets: [{ app: tiktok }]` (see `appban catalog list`)',
      targets === undefined ? [] : ['targets'],
    );
    return;
  }
  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    const t = asObj(target);
    const path = ['targets', index];
    const app = typeof t.app === 'string' ? t.app : undefined;
    const publisher = typeof t.publisher === 'string' ? t.publisher : undefined;
    if (app !== undefined && publisher !== undefined) {
      error('BAN_INVALID_VALUE', 'a target names either an app or a publisher, not both', path);
      return;
    }
    if (app === undefined && publisher === undefined) {
      if (t.app === undefined && t.publisher === undefined) {
        error('BAN_MISSING_FIELD', 'a target needs `app: <id>` or `publisher: <id>`', path);
      }
      return;
    }
    const key = app !== undefined ? `app:${app}` : `publisher:${publisher}`;
    const first = seen.get(key);
    if (first !== undefined) {
      error('BAN_DUPLICATE_ID', `${key.replace(':', ' ')} is already targeted by targets[${first}]`, path);
      return;
    }
    seen.set(key, index);
    if (app !== undefined && !catalog.apps.has(app)) {
      const hint =
        suggestId(catalog, app, 'apps') ??
        (catalog.publishers.has(app) ? undefined : suggestId(catalog, app));
      const asPublisher = catalog.publishers.has(app)
        ? `; ${app} is a publisher: write \`publisher: ${app}\``
        : '';
      error(
        'BAN_UNKNOWN_APP',
        `the catalog has no app ${app}${hint ? `; did you mean ${hint}?` : ''}${asPublisher}`,
        [...path, 'app'],
      );
      return;
    }
    if (publisher !== undefined && !catalog.publishers.has(publisher)) {
      const hint = suggestId(catalog, publisher, 'publishers');
      error(
        'BAN_UNKNOWN_PUBLISHER',
        `the catalog has no publisher ${publisher}${hint ? `; did you mean ${hint}?` : ''}`,
        [...path, 'publisher'],
      );
      return;
    }
    const enforceable = bannedIdentifiers(
      {
        targets: [
          app !== undefined
            ? { app, includeUnconfirmed: t.include_unconfirmed === true }
            : { publisher: publisher ?? '', includeUnconfirmed: t.include_unconfirmed === true },
        ],
      } as Pick<Ban, 'targets'> as Ban,
      catalog,
    );
    if (enforceable.length === 0) {
      warning(
        'BAN_NOTHING_ENFORCEABLE',
        `${app ?? publisher} has only unconfirmed identifiers; set include_unconfirmed: true to enforce them`,
        path,
      );
    }
  });
}

function checkExceptions(
  exceptions: unknown,
  banEnd: number | undefined,
  banEndText: string,
  date: (value: unknown, path: FieldPath) => number | undefined,
  error: Report,
  warning: Report,
): void {
  if (!Array.isArray(exceptions)) return;
  const ids = new Map<string, number>();
  exceptions.forEach((exception, index) => {
    const e = asObj(exception);
    const path = ['exceptions', index];
    if (typeof e.id === 'string') {
      const first = ids.get(e.id);
      if (first !== undefined) {
        error('BAN_DUPLICATE_ID', `exception id ${e.id} is already used by exceptions[${first}]`, [
          ...path,
          'id',
        ]);
      } else {
        ids.set(e.id, index);
      }
    }
    const missing = [
      ['reason', 'why it is needed, e.g. security-research'],
      ['approved_by', 'who approved it'],
      ['expires', 'the date it ends, YYYY-MM-DD'],
    ].filter(([field]) => e[field ?? ''] === undefined || e[field ?? ''] === '');
    for (const [field, what] of missing) {
      error('BAN_EXCEPTION_INCOMPLETE', `the exception has no ${field} (${what})`, path);
    }
    const devices = asObj(e.devices);
    if (
      isObj(e.devices) &&
      devices.group === undefined &&
      devices.ids === undefined &&
      devices.holders === undefined
    ) {
      error(
        'BAN_EXCEPTION_INCOMPLETE',
        'the exception covers no devices: give devices.group, ids or holders',
        [...path, 'devices'],
      );
    }
    const starts = date(e.starts, [...path, 'starts']);
    const expires = date(e.expires, [...path, 'expires']);
    if (starts !== undefined && expires !== undefined && expires < starts) {
      error(
        'BAN_EXCEPTION_BEFORE_BAN',
        `the exception expires (${String(e.expires)}) before it starts (${String(e.starts)})`,
        [...path, 'expires'],
      );
    }
    if (expires !== undefined && banEnd !== undefined && expires > banEnd) {
      warning(
        'BAN_EXCEPTION_OUTLIVES_BAN',
        `the exception expires ${String(e.expires)}, after the ban ends ${banEndText}; it has no effect after the end`,
        [...path, 'expires'],
      );
    }
  });
}
