import { AppbanError, type ErrorLocation } from '../../lib/errors.js';
import { calendarTimeMs, unixTimeMs } from './osquery-time.js';
import { isRecord, scalarText } from './scalar.js';

type Row = Record<string, unknown>;

/** The three shapes of an osquery result line (osquery docs/wiki/deployment/logging.md). */
export type ResultChanges =
  | { form: 'event'; action: 'added' | 'removed'; row: Row }
  | { form: 'batch'; added: Row[]; removed: Row[] }
  | { form: 'snapshot'; rows: Row[] };

export interface ResultLine {
  record: Row;
  queryName: string;
  changes: ResultChanges;
  /** `counter` as a number: 0 marks the first (full) result of a scheduled query. */
  counter: number | undefined;
  epoch: string | undefined;
  decorations: Row | undefined;
}

/** Parses one line of a result log; throws PARSE_ERROR naming the line when it is not one. */
export function parseResultLine(text: string, location: ErrorLocation): ResultLine {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppbanError('PARSE_ERROR', `line is not valid JSON (truncated or corrupt?): ${reason}`, {
      cause: error,
      location,
    });
  }
  if (!isRecord(record)) {
    throw new AppbanError(
      'PARSE_ERROR',
      'line is not a JSON object; an osquery result log has one object per line',
      {
        location,
      },
    );
  }
  const name = record.name;
  if (name !== undefined && typeof name !== 'string') {
    throw new AppbanError('PARSE_ERROR', '`name` (the query name) is not a string', { location });
  }
  const decorations = isRecord(record.decorations) ? record.decorations : undefined;
  return {
    record,
    queryName: name ?? '',
    changes: changesOf(record, location),
    counter: counterOf(record.counter),
    epoch: scalarText(record.epoch),
    decorations,
  };
}

function changesOf(record: Row, location: ErrorLocation): ResultChanges {
  if (record.columns !== undefined) {
    if (!isRecord(record.columns)) throw invalid('`columns` is not an object', location);
    const action = record.action;
    if (action !== 'added' && action !== 'removed') {
      throw invalid(
        `\`action\` is ${preview(action)}; a line with columns needs "added" or "removed"`,
        location,
      );
    }
    return { form: 'event', action, row: record.columns };
  }
  if (record.diffResults !== undefined) {
    const diff = record.diffResults;
    if (!isRecord(diff)) throw invalid('`diffResults` is not an object', location);
    return {
      form: 'batch',
      added: rowsOf(diff.added, 'diffResults.added', location),
      removed: rowsOf(diff.removed, 'diffResults.removed', location),
    };
  }
  if (record.snapshot !== undefined) {
    return { form: 'snapshot', rows: rowsOf(record.snapshot, 'snapshot', location) };
  }
  throw invalid('line is not an osquery result: it has no `columns`, `diffResults` or `snapshot`', location);
}

function rowsOf(value: unknown, field: string, location: ErrorLocation): Row[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`\`${field}\` is not an array`, location);
  for (const [index, row] of value.entries()) {
    if (!isRecord(row)) throw invalid(`\`${field}[${index}]\` is not an object`, location);
  }
  return value as Row[];
}

function counterOf(value: unknown): number | undefined {
  const text = scalarText(value);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** The host a line is about: `hostIdentifier`, else the `hostname` some loggers write, else a decoration. */
export function hostIdOf(line: ResultLine, location: ErrorLocation): string {
  const id =
    scalarText(line.record.hostIdentifier) ??
    scalarText(line.record.hostname) ??
    scalarText(line.decorations?.host_uuid) ??
    scalarText(line.decorations?.hostname);
  if (id === undefined) {
    throw invalid(
      'inventory line names no host: no `hostIdentifier`, `hostname` or host decoration',
      location,
    );
  }
  return id;
}

/** When the query ran, from `unixTime`, else `calendarTime`. */
export function observedMsOf(line: ResultLine, location: ErrorLocation): number {
  const { unixTime, calendarTime } = line.record;
  if (unixTime !== undefined) {
    const ms = unixTimeMs(unixTime);
    if (ms === undefined)
      throw invalid(`\`unixTime\` ${preview(unixTime)} is not a time in seconds`, location);
    return ms;
  }
  if (calendarTime !== undefined) {
    const ms = calendarTimeMs(calendarTime);
    if (ms === undefined) throw invalid(`\`calendarTime\` ${preview(calendarTime)} is not a time`, location);
    return ms;
  }
  throw invalid(
    'inventory line has no `unixTime` or `calendarTime`, so it cannot be placed in time',
    location,
  );
}

function invalid(message: string, location: ErrorLocation): AppbanError {
  return new AppbanError('PARSE_ERROR', message, { location });
}

/** A value as it appears in an error message, cut short: log lines can be long. */
function preview(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
