import { existsSync } from 'node:fs';
import { loadBanFile } from '../bans/ban.loader.js';
import { BAN_ID_PATTERN } from '../bans/ban.schema.js';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { AppbanError } from '../lib/errors.js';
import { requireBanRevision } from '../store/ban-revision.repository.js';
import { withContext } from './context.js';
import type { GlobalOptions } from './output.js';

/** A ban file named on the command line, which must validate without errors. */
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

/**
 * A ban file, or the id of an applied ban (its latest revision in the store), as `appban enforce`
 * takes it. A path that exists is always read as a file.
 */
export async function banFromFileOrStore(
  argument: string,
  catalog: Catalog,
  options: GlobalOptions,
): Promise<Ban> {
  if (existsSync(argument) || !BAN_ID_PATTERN.test(argument)) return banFromArgument(argument, catalog);
  return withContext(options, async ({ store }) => (await requireBanRevision(store.db, argument)).ban).catch(
    (error: unknown) => {
      if (error instanceof AppbanError && error.code === 'NOT_FOUND') {
        throw new AppbanError(
          'NOT_FOUND',
          `${argument} is neither a ban file nor an applied ban; see appban report`,
        );
      }
      throw error;
    },
  );
}
