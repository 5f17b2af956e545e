import { createInterface } from 'node:readline';
import type { InventorySnapshot, InventorySource, ParseInput } from '../snapshot.types.js';
import { parseResultLine } from './osquery-line.js';
import { OsqueryReplay } from './osquery-replay.js';
import { isRecord } from './scalar.js';

const RESULT_FIELDS = ['columns', 'diffResults', 'snapshot'];
const HEADER_FIELDS = ['name', 'hostIdentifier', 'unixTime', 'calendarTime'];

/**
 * osquery result logs (filesystem logger and the pipelines that forward it): one JSON object per
 * line, in event (`columns` + `action`), batch (`diffResults`) or snapshot (`snapshot`) form.
 * Rows of the software tables become apps; lines of other queries are passed over.
 */
export const osquerySource: InventorySource = {
  name: 'osquery',
  title: 'osquery result log (differential, batch or snapshot lines)',
  sniff: sniffOsquery,
  parse: parseOsqueryLog,
};

export function sniffOsquery(head: string, _fileName: string): number {
  const text = head.replace(/^\uFEFF/, '');
  const firstLine = text.split('\n', 1)[0]?.trim() ?? '';
  if (!firstLine.startsWith('{')) return 0;
  const complete = text.includes('\n') || text.length < 65_536;
  if (complete) {
    try {
      const record: unknown = JSON.parse(firstLine);
      if (!isRecord(record)) return 0;
      const isResult = RESULT_FIELDS.some((field) => record[field] !== undefined);
      const hasHeader = HEADER_FIELDS.some((field) => record[field] !== undefined);
      return isResult && hasHeader ? 0.95 : 0.05;
    } catch {
      // A line cut by the 64 KiB head, or not JSON: fall back to the field names.
    }
  }
  const hasHeader = /"(hostIdentifier|calendarTime|unixTime)"\s*:/.test(firstLine);
  const isResult = /"(columns|diffResults|snapshot)"\s*:/.test(firstLine);
  if (hasHeader && isResult) return 0.8;
  // A snapshot line that begins with its rows shows nothing else in the head when it is long.
  if (/^\{\s*"(snapshot|diffResults)"\s*:\s*[[{]/.test(firstLine)) return 0.7;
  if (/"hostIdentifier"\s*:/.test(firstLine) && /"(calendarTime|unixTime)"\s*:/.test(firstLine)) return 0.7;
  return 0;
}

async function* parseOsqueryLog(input: ParseInput): AsyncGenerator<InventorySnapshot> {
  const stream = input.open();
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const replay = new OsqueryReplay();
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      const location = { file: input.path, line: lineNumber };
      const emitted = replay.apply(parseResultLine(text, location), location);
      if (emitted) yield emitted;
    }
    yield* replay.finish();
  } finally {
    lines.close();
    if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
  }
}
