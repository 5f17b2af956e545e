import { existsSync } from 'node:fs';
import { loadBanFile } from '../bans/ban.loader.js';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { AppbanError } from '../lib/errors.js';

/** A ban named on the command line: a ban file, which must validate without errors. */
export async function banFromArgument(argument: string, catalog: Catalog): Promise<Ban> {
  if (!existsSync(argument)) {
    throw new AppbanError('FILE_NOT_FOUND', `no ban file ${argument}`, { location: { file: argument } });
  }
  const result = await loadBanFile(argument, catalog);
  if (!result.ban) {
    const first = result.problems.find((p) => p.severity === 'error');
    throw new AppbanError(
      'BAN_INVALID_VALUE',
      `${first?.code ?? 'invalid'}: ${first?.message ?? 'the ban file is not valid'} (run appban validate ${argument})`,
      { location: { file: argument, line: first?.line ?? 1, column: first?.column ?? 1 } },
    );
  }
  return result.ban;
}
