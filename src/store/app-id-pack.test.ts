import { describe, expect, it } from 'vitest';
import { packAppIds, packedCount, unpackAppIds, unpackAppIdsInto } from './app-id-pack.js';

describe('packed app ids', () => {
  it('sorts, de-duplicates and round-trips ids', () => {
    const packed = packAppIds([30, 7, 2_000_000_000, 7, 1]);
    expect(packedCount(packed)).toBe(4);
    expect([...unpackAppIds(packed)]).toEqual([1, 7, 30, 2_000_000_000]);
    expect([...unpackAppIds(packAppIds([]))]).toEqual([]);
  });

  it('unpacks from unaligned buffers into an offset of a shared array', () => {
    const packed = packAppIds([5, 6]);
    const unaligned = new Uint8Array(packed.length + 1);
    unaligned.set(packed, 1);
    const target = new Int32Array(4);
    unpackAppIdsInto(unaligned.subarray(1), target, 2);
    expect([...target]).toEqual([0, 0, 5, 6]);
  });
});
