/**
 * A small seeded generator (sfc32), so that a demo fleet or a benchmark fleet is the same on every
 * run and machine. Not for anything secret.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9 ^ stream;
    this.b = 0x243f6a88 ^ seed;
    this.c = 0xb7e15162 ^ Math.imul(seed, 0x85ebca6b);
    this.d = 1 ^ Math.imul(stream, 0xc2b2ae35);
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of table) total += weight;
    let u = this.next() * total;
    for (const [value, weight] of table) {
      u -= weight;
      if (u < 0) return value;
    }
    const last = table.at(-1);
    if (!last) throw new RangeError('weighted pick from an empty table');
    return last[0];
  }
}

/**
 * Draws ranks 0…n−1 with probability ∝ 1/(rank+1)^s: a few apps on nearly every device, a long
 * tail seen on a handful. Binary search over the cumulative distribution.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(
    readonly size: number,
    exponent: number,
  ) {
    this.cdf = new Float64Array(size);
    let total = 0;
    for (let i = 0; i < size; i++) {
      total += 1 / (i + 1) ** exponent;
      this.cdf[i] = total;
    }
    for (let i = 0; i < size; i++) this.cdf[i] = (this.cdf[i] as number) / total;
  }

  sample(random: Random): number {
    const u = random.next();
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
