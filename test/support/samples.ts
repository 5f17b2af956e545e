import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../src/lib/paths.js';

/**
 * The public sample files live beside the repository (`../shared/reference/samples/`) and are
 * never copied into it. Conformance tests skip only where that folder is absent; in CI it is
 * always there, and `CI=true` turns its absence into a failure (see `requireSamples`).
 */
export const SAMPLES_DIR = resolve(packageRoot(), '..', 'shared', 'reference', 'samples');
export const samplesAvailable = existsSync(SAMPLES_DIR);

if (!samplesAvailable && process.env.CI === 'true') {
  throw new Error(`CI needs the public samples at ${SAMPLES_DIR}; they are missing`);
}

export function sample(...parts: string[]): string {
  return join(SAMPLES_DIR, ...parts);
}
