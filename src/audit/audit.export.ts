import type { Executor } from '../store/executor.js';
import { auditPages, type ChainRow } from './audit.verify.js';

/**
 * The chain as JSON lines, one stored row per line exactly as hashed, then a closing line with the
 * head: `{"head":{"seq":…,"hash":"…"},"events":N}`. An auditor keeps the head hash and can check the
 * file offline (`appban audit verify --file`), or a later chain against it (`--expect-head`).
 */
export async function* exportChain(db: Executor): AsyncGenerator<string> {
  let count = 0;
  let head: { seq: number; hash: string } | null = null;
  for await (const page of auditPages(db)) {
    for (const row of page) {
      const line: ChainRow = {
        seq: Number(row.seq),
        at: Number(row.at),
        actor: row.actor,
        action: row.action,
        object_type: row.object_type,
        object_id: row.object_id,
        details: row.details,
        prev_hash: row.prev_hash,
        hash: row.hash,
      };
      yield `${JSON.stringify(line)}\n`;
      head = { seq: line.seq, hash: line.hash };
      count++;
    }
  }
  yield `${JSON.stringify({ head, events: count })}\n`;
}

/** Reads an exported chain back: its rows and the head it claims. */
export function parseExport(text: string): { rows: ChainRow[]; head: { seq: number; hash: string } | null } {
  const rows: ChainRow[] = [];
  let head: { seq: number; hash: string } | null = null;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SyntaxError(`line ${index + 1}: not JSON`);
    }
    if (value && typeof value === 'object' && 'head' in value) {
      head = (value as { head: { seq: number; hash: string } | null }).head;
    } else {
      rows.push(value as ChainRow);
    }
  });
  return { rows, head };
}
