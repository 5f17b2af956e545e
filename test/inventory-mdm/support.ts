import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { InventorySnapshot, InventorySource, ParseInput } from '../../src/inventory/snapshot.types.js';
import { AppbanError } from '../../src/lib/errors.js';

/** An in-memory input; the path does not exist on disk unless a test writes it. */
export function inputOf(content: string | Uint8Array, path = 'inventory.json', chunkSize = 0): ParseInput {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return {
    path,
    open: () => {
      if (chunkSize <= 0) return Readable.from([bytes]);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
      return Readable.from(chunks);
    },
  };
}

export async function parseAll(
  source: InventorySource,
  content: string | Uint8Array,
  path = 'inventory.json',
  chunkSize = 0,
): Promise<InventorySnapshot[]> {
  const snapshots: InventorySnapshot[] = [];
  for await (const snapshot of source.parse(inputOf(content, path, chunkSize), {})) snapshots.push(snapshot);
  return snapshots;
}

/** Runs the parse and returns the AppbanError it must throw. */
export async function parseError(
  source: InventorySource,
  content: string | Uint8Array,
  path = 'inventory.json',
): Promise<AppbanError> {
  try {
    await parseAll(source, content, path);
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    return error as AppbanError;
  }
  throw new Error('expected the parse to fail');
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
