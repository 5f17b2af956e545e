import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/lib/paths.js';

const require = createRequire(import.meta.url);
const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const here = dirname(fileURLToPath(import.meta.url));

export interface TscResult {
  status: number | null;
  output: string;
}

/**
 * Type-checks TypeScript sources with the real compiler, in strict mode and with the project's
 * exactness flags. The files live in a temporary folder inside the repository so that package
 * imports resolve from its node_modules; the folder is removed afterwards whatever happens.
 */
export function typeCheck(files: Record<string, string>): TscResult {
  const scratch = join(here, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'check-'));
  try {
    const paths = Object.entries(files).map(([name, source]) => {
      const path = join(dir, name);
      writeFileSync(path, source);
      return path;
    });
    const result = spawnSync(
      process.execPath,
      [
        tscBin,
        '--noEmit',
        '--strict',
        '--exactOptionalPropertyTypes',
        '--noUncheckedIndexedAccess',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        '--pretty',
        'false',
        ...paths,
      ],
      { cwd: packageRoot(), encoding: 'utf8', timeout: 120_000 },
    );
    // tsc names files relative to its working directory; keep only the checked file's own name.
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .replaceAll(`${dir}/`, '')
      .replaceAll(`${relative(packageRoot(), dir)}/`, '');
    return { status: result.status, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    try {
      rmdirSync(scratch);
    } catch {
      // another check still uses the scratch folder
    }
  }
}

/** An import specifier for a repository source file, relative to a checked file. */
export function importFromCheck(repoPath: string): string {
  const fromDir = join(here, '.tmp', 'check-x');
  const target = join(packageRoot(), repoPath);
  const path = relative(fromDir, target).replaceAll('\\', '/');
  return path.startsWith('.') ? path : `./${path}`;
}
