import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { InventorySnapshot, InventorySource, ParseInput } from '../../src/inventory/snapshot.types.js';
import { AppbanError } from '../../src/lib/errors.js';

/** An in-memory file, delivered in chunks of `chunkBytes` to exercise chunk boundaries. */
export function textInput(content: string | Uint8Array, path = 'inventory.txt', chunkBytes = 0): ParseInput {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return {
    path,
    open: () => {
      if (chunkBytes <= 0) return Readable.from([bytes]);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
      return Readable.from(chunks);
    },
  };
}

export function fileInput(path: string): ParseInput {
  return { path, open: () => createReadStream(path) };
}

export async function collect(source: InventorySource, input: ParseInput): Promise<InventorySnapshot[]> {
  const snapshots: InventorySnapshot[] = [];
  for await (const snapshot of source.parse(input, {})) snapshots.push(snapshot);
  return snapshots;
}

/** Parses expecting PARSE_ERROR and returns it; fails the test on success or any other error. */
export async function parseError(source: InventorySource, input: ParseInput): Promise<AppbanError> {
  try {
    await collect(source, input);
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    expect((error as AppbanError).code).toBe('PARSE_ERROR');
    return error as AppbanError;
  }
  throw new Error(`${input.path} parsed without error`);
}

/** JSON lines, one object per line, as osquery's filesystem logger writes them. */
export function jsonLines(records: readonly unknown[]): string {
  return `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
}
