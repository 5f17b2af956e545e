import type { Command } from 'commander';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { findPrecedent, loadPrecedents } from '../../precedents/precedent.loader.js';
import { banFileFromPrecedent } from '../../precedents/precedent.template.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';
import { table } from './catalog.command.js';

export function registerPrecedents(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('precedents')
    .description('public government bans, usable as templates for `appban init --from`')
    .argument('[id]', 'show one precedent in full')
    .action((id: string | undefined, _options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const all = id ? [findPrecedent(id)] : loadPrecedents();
      if (json) {
        printJson(io, id ? all[0] : { precedents: all });
      } else if (id) {
        const p = all[0];
        if (p) {
          const { template: _template, ...facts } = p;
          for (const [key, value] of Object.entries(facts)) {
            io.stdout(
              `${key.replace('_', ' ')}: ${Array.isArray(value) ? value.join('; ') : String(value)}\n`,
            );
          }
        }
      } else {
        io.stdout(
          table(
            ['id', 'announced', 'jurisdiction', 'apps', 'body'],
            all.map((p) => [p.id, p.announced, p.jurisdiction, p.apps.join(','), p.body]),
          ),
        );
      }
      done(EXIT.ok);
    });

  program
    .command('init')
    .description('print a ban file modelled on a precedent')
    .requiredOption('--from <precedent-id>', 'the precedent to start from (see `appban precedents`)')
    .option('--start <date>', "start date of your ban (default: the precedent's announcement date)")
    .action((options: { from: string; start?: string }) => {
      const precedent = findPrecedent(options.from);
      io.stdout(
        banFileFromPrecedent(precedent, loadCatalog(), options.start ? { start: options.start } : {}),
      );
      done(EXIT.ok);
    });
}
