import type { Command } from 'commander';
import { type BanLoadResult, loadBanFile } from '../../bans/ban.loader.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { AppbanError } from '../../lib/errors.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

export function registerValidate(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('validate')
    .description('check ban files against the schema and the catalog; every problem at once')
    .argument('<files...>', 'ban files (YAML)')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      done(await validate(files, io, Boolean(json)));
    });
}

export async function validate(files: string[], io: Io, json: boolean): Promise<number> {
  const catalog = loadCatalog();
  const results: BanLoadResult[] = [];
  for (const file of files) {
    try {
      results.push(await loadBanFile(file, catalog));
    } catch (error) {
      if (!(error instanceof AppbanError)) throw error;
      results.push({
        path: file,
        ok: false,
        problems: [
          { severity: 'error', code: error.code, message: error.message, line: 1, column: 1, path: '' },
        ],
      });
    }
  }
  markDuplicateBanIds(results);
  if (json) {
    printJson(io, {
      files: results.map(({ path, ok, problems }) => ({ path, ok, problems })),
    });
  } else {
    for (const result of results) {
      for (const p of result.problems) {
        io.stderr(`${result.path}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}\n`);
      }
      if (result.ok) io.stdout(`${result.path}: ok${result.problems.length ? ' (with warnings)' : ''}\n`);
    }
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.notCompliant;
}

/** Two files declaring the same ban id would overwrite each other's revisions on `apply`. */
function markDuplicateBanIds(results: BanLoadResult[]): void {
  const firstById = new Map<string, string>();
  for (const result of results) {
    if (!result.ban) continue;
    const first = firstById.get(result.ban.id);
    if (first === undefined) {
      firstById.set(result.ban.id, result.path);
      continue;
    }
    result.ok = false;
    delete result.ban;
    result.problems.push({
      severity: 'error',
      code: 'BAN_DUPLICATE_ID',
      message: `ban id is already declared by ${first}`,
      line: 1,
      column: 1,
      path: 'id',
    });
  }
}
