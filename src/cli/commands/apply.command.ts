import type { Command } from 'commander';
import type { Ban } from '../../bans/ban.types.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import type { ApplyBanResult } from '../../compliance/compliance.service.js';
import { banFromArgument } from '../ban-source.js';
import { withContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';
import { parseAtOption } from '../time-options.js';

interface ApplyOptions {
  by?: string;
  at?: string;
}

export function registerApply(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('apply')
    .description('store a new revision of each ban (unchanged bans are left alone) and re-evaluate the fleet')
    .argument('<files...>', 'ban files')
    .option('--by <name>', 'who applies it, for the audit trail (default: $USER)')
    .option('--at <date>', 'when the revision takes effect (default: now)')
    .action(async (files: string[], options: ApplyOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const catalog = loadCatalog();
      // Validate every file before storing any, so a typo in the third file leaves the first two unapplied.
      const bans: Ban[] = [];
      for (const file of files) bans.push(await banFromArgument(file, catalog));
      const at = options.at === undefined ? undefined : parseAtOption(options.at, 'start');
      const appliedBy = options.by ?? process.env.USER ?? 'unknown';
      const results = await withContext(globals, async ({ compliance }) => {
        const out: ApplyBanResult[] = [];
        for (const ban of bans)
          out.push(await compliance.applyBan(ban, { appliedBy, ...(at === undefined ? {} : { at }) }));
        return out;
      });
      if (globals.json) {
        printJson(io, {
          bans: results.map((r) => ({
            id: r.banId,
            status: r.status,
            revision: r.revision,
            previousRevision: r.previousRevision,
            changedFields: r.changedFields,
            appliedAt: new Date(r.appliedAt).toISOString(),
            before: r.before,
            after: r.after,
          })),
        });
      } else {
        for (const r of results) io.stdout(describe(r));
      }
      done(EXIT.ok);
    });
}

function describe(r: ApplyBanResult): string {
  if (r.status === 'unchanged') return `${r.banId}: unchanged (revision ${r.revision})\n`;
  const head =
    r.status === 'created'
      ? `${r.banId}: created revision ${r.revision}`
      : `${r.banId}: revision ${r.revision} (was ${r.previousRevision}); changed: ${r.changedFields.join(', ') || 'nothing visible'}`;
  const counts = (c: ApplyBanResult['after']) =>
    `in scope ${c.inScope}, compliant ${c.compliant}, violating ${c.violating}, overdue ${c.overdue}, excepted ${c.excepted}, unknown ${c.unknown}`;
  const before = r.before ? `\n  before: ${counts(r.before)}` : '';
  return `${head}${before}\n  now:    ${counts(r.after)}\n`;
}
