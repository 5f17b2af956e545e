import type { Command } from 'commander';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../compliance/report/render.js';
import type { ReportQuery } from '../../compliance/report/report.types.js';
import { AppbanError } from '../../lib/errors.js';
import { withContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io } from '../output.js';
import { parseAtOption } from '../time-options.js';

interface ReportOptions {
  at?: string;
  ban?: string;
  group?: string;
  format?: string;
  failOnViolation?: boolean;
}

export function registerReport(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('report')
    .description('compliance now or on a past date: counts per ban and group, and the violating devices')
    .option('--at <date>', 'report as of this date (end of day, UTC) or ISO timestamp')
    .option('--ban <id>', 'only this ban')
    .option('--group <path>', 'only devices in this group or below it')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('--fail-on-violation', 'exit 1 when any device violates a ban')
    .action(async (options: ReportOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const format = (globals.json ? 'json' : (options.format ?? 'table')) as ReportFormat;
      if (!REPORT_FORMATS.includes(format)) {
        throw new AppbanError('USAGE', `--format ${format} is not one of ${REPORT_FORMATS.join(', ')}`);
      }
      const query: ReportQuery = {};
      if (options.at !== undefined) query.at = parseAtOption(options.at, 'end');
      if (options.ban !== undefined) query.banId = options.ban;
      if (options.group !== undefined) query.group = options.group;
      const report = await withContext(globals, ({ compliance }) => compliance.report(query));
      if (options.ban !== undefined && report.bans.length === 0) {
        throw new AppbanError(
          'NOT_FOUND',
          `no ban ${options.ban} is in force${options.at ? ` at ${options.at}` : ''}; see appban report`,
        );
      }
      io.stdout(renderReport(report, format));
      const violating = report.bans.some((b) => b.counts.violating + b.counts.overdue > 0);
      done(options.failOnViolation && violating ? EXIT.notCompliant : EXIT.ok);
    });
}
