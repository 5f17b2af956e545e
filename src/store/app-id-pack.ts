import { endianness } from 'node:os';

/**
 * A snapshot's app identity ids packed as little-endian 32-bit integers, ascending and distinct: the
 * form the fleet loads in (one column per snapshot instead of a hundred rows).
 */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Sorts, de-duplicates and packs ids. */
export function packAppIds(ids: ArrayLike<number>): Uint8Array {
  const sorted = Int32Array.from(ids).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
  }
  const distinct = sorted.subarray(0, n);
  if (LITTLE_ENDIAN) return new Uint8Array(distinct.buffer, 0, n * 4).slice();
  const out = new Uint8Array(n * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) view.setInt32(i * 4, distinct[i] as number, true);
  return out;
}

/** How many ids a packed value holds. */
export function packedCount(bytes: Uint8Array): number {
  return bytes.byteLength >>> 2;
}

/** Unpacks into `target` from `offset`; the bytes need no alignment (drivers hand out pooled buffers). */
export function unpackAppIdsInto(bytes: Uint8Array, target: Int32Array, offset: number): void {
  const count = packedCount(bytes);
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset + offset * 4, count * 4).set(
      bytes.subarray(0, count * 4),
    );
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) target[offset + i] = view.getInt32(i * 4, true);
}

export function unpackAppIds(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(packedCount(bytes));
  unpackAppIdsInto(bytes, out, 0);
  return out;
}
