import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Timing and memory helpers for the compliance benchmark. */

let collector: (() => void) | undefined;

/** A full garbage collection, so that RSS deltas measure what stays alive. */
export function gc(): void {
  if (!collector) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
  collector();
}

export function rssBytes(): number {
  return process.memoryUsage().rss;
}

export async function time<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Runs `work` `runs` times after `warmup` unmeasured runs; returns every duration in ms. */
export async function repeat<T>(
  runs: number,
  work: () => Promise<T> | T,
  warmup = 1,
): Promise<{ ms: number[]; value: T }> {
  let value = await work();
  for (let i = 1; i < warmup; i++) value = await work();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    value = await work();
    ms.push(performance.now() - started);
  }
  return { ms, value };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${(bytes / 1e3).toFixed(0)} kB`;
}

export function ratio(baseline: number, candidate: number): string {
  if (!Number.isFinite(baseline) || !Number.isFinite(candidate) || candidate <= 0) return 'n/a';
  const r = baseline / candidate;
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`;
}

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
