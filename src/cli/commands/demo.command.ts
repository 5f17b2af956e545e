import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Ban } from '../../bans/ban.types.js';
import { runDemo } from '../../demo/demo.js';
import { AppbanError } from '../../lib/errors.js';
import { packageRoot } from '../../lib/paths.js';
import { banFromArgument } from '../ban-source.js';
import { databaseUrl, withContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

interface DemoCliOptions {
  devices: string;
  months: string;
  seed: string;
  ifEmpty?: boolean;
}

export function registerDemo(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('demo')
    .description('fill the store with the example bans and a simulated fleet with months of history')
    .option('--devices <n>', 'devices in the simulated fleet', '10000')
    .option('--months <n>', 'months of weekly inventories', '2')
    .option('--seed <n>', 'random seed, for a repeatable fleet', '2023')
    .option('--if-empty', 'do nothing when the store already holds bans')
    .action(async (options: DemoCliOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const devices = positiveInt(options.devices, '--devices');
      const months = positiveInt(options.months, '--months');
      const seed = positiveInt(options.seed, '--seed');
      const result = await withContext(globals, async ({ store, compliance, catalog }) => {
        const existing = await store.db
          .selectFrom('ban_revisions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst();
        if (Number(existing?.n ?? 0) > 0) {
          if (options.ifEmpty) return undefined;
          throw new AppbanError(
            'USAGE',
            `the store ${store.displayUrl} already holds bans; use a fresh --db, or --if-empty to keep it`,
          );
        }
        const bans: Ban[] = [];
        const dir = join(packageRoot(), 'examples');
        for (const name of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()) {
          bans.push(await banFromArgument(join(dir, name), catalog));
        }
        const say = (message: string) => {
          if (!globals.json) io.stderr(`demo: ${message}\n`);
        };
        return runDemo(store, compliance, catalog, {
          bans,
          devices,
          months,
          seed,
          now: Date.now(),
          onProgress: say,
        });
      });
      if (!result) {
        if (!globals.json) io.stdout(`the store ${databaseUrl(globals)} already holds bans; demo skipped\n`);
        else printJson(io, { skipped: true });
        done(EXIT.ok);
        return;
      }
      const { report, ...summary } = result;
      if (globals.json) {
        printJson(io, { ...summary, counts: report.bans.map((b) => ({ id: b.id, counts: b.counts })) });
      } else {
        io.stdout(
          `demo: ${summary.devices} devices, ${summary.snapshots} inventories (${summary.snapshotApps} app rows), ` +
            `${summary.bans.length} bans, ${summary.exceptions.length} exceptions, ${summary.historyChanges} history changes\n`,
        );
        for (const ban of report.bans) {
          const c = ban.counts;
          io.stdout(
            `  ${ban.id}: in scope ${c.inScope}, compliant ${c.compliant}, violating ${c.violating}, overdue ${c.overdue}, excepted ${c.excepted}, unknown ${c.unknown}\n`,
          );
        }
      }
      done(EXIT.ok);
    });
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new AppbanError('USAGE', `${flag} ${text} is not a positive whole number`);
  return n;
}
