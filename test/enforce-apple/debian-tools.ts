import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * A command-line program from a Debian package that a test runs against an artifact, the way its
 * consumer would. Where the program is missing the test skips locally, but in CI (CI=true) loading
 * the test file fails: a consumer check that silently does not run proves nothing.
 */
export interface DebianTool {
  command: string;
  debianPackage: string;
  available: boolean;
  /** Runs the program; throws with its stderr when it exits non-zero. */
  run(args: string[], input?: string): string;
  /** Runs the program and returns the raw result, for tests that expect a failure. */
  spawn(args: string[], input?: string): SpawnSyncReturns<string>;
}

export function debianTool(command: string, debianPackage: string): DebianTool {
  const available = onPath(command);
  if (!available && process.env.CI === 'true') {
    throw new Error(
      `${command} is missing: CI must install the Debian package ${debianPackage} (apt-get install ${debianPackage})`,
    );
  }
  const spawn = (args: string[], input?: string) =>
    spawnSync(command, args, { encoding: 'utf8', input: input ?? '', timeout: 30_000 });
  return {
    command,
    debianPackage,
    available,
    spawn,
    run(args, input) {
      const result = spawn(args, input);
      if (result.error) throw result.error;
      if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      }
      return result.stdout;
    },
  };
}

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export const plistutil = debianTool('plistutil', 'libplist-utils');
export const xmllint = debianTool('xmllint', 'libxml2-utils');
