import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fileModifiedAt, observedAtFallback, readBounded } from './source-input.js';

describe('readBounded', () => {
  it('returns the whole input under the limit', async () => {
    const bytes = await readBounded(Readable.from([Buffer.from('ab'), 'cd']), 'f', 4);
    expect(bytes.toString()).toBe('abcd');
  });

  it('refuses input over the limit with INPUT_TOO_LARGE', async () => {
    await expect(
      readBounded(Readable.from([Buffer.alloc(3), Buffer.alloc(3)]), 'big.plist', 5),
    ).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      location: { file: 'big.plist' },
    });
  });
});

describe('observation time fallbacks', () => {
  it("uses the file's modification time, else now", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'appban-input-'));
    try {
      const path = join(dir, 'r.plist');
      await writeFile(path, 'x');
      const when = new Date('2023-03-10T12:00:00Z');
      await utimes(path, when, when);
      expect(await fileModifiedAt(path)).toBe('2023-03-10T12:00:00.000Z');
      expect(await fileModifiedAt(dir)).toBeUndefined();
      const before = Date.now();
      const fallback = Date.parse(await observedAtFallback(join(dir, 'missing.plist')));
      expect(fallback).toBeGreaterThanOrEqual(before);
      expect(fallback).toBeLessThanOrEqual(Date.now());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
