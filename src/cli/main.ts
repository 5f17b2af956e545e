import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.command.js';
import { registerAudit } from './commands/audit.command.js';
import { registerCatalog } from './commands/catalog.command.js';
import { registerDemo } from './commands/demo.command.js';
import { registerEnforce } from './commands/enforce.command.js';
import { registerExceptions } from './commands/exceptions.command.js';
import { registerIngest } from './commands/ingest.command.js';
import { registerNotify } from './commands/notify.command.js';
import { registerPrecedents } from './commands/precedents.command.js';
import { registerReport } from './commands/report.command.js';
import { registerServe } from './commands/serve.command.js';
import { registerUsers } from './commands/users.command.js';
import { registerValidate } from './commands/validate.command.js';
import { EXIT, type Io, processIo, reportError } from './output.js';

/** Builds the command tree; each command reports its exit code through `done`. */
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('appban')
    .description('Declare an app ban once, enforce it everywhere, find every device that still breaks it.')
    .option('--json', 'machine-readable output')
    .option(
      '--db <url>',
      'store: sqlite:<path> or postgres://… (default $APPBAN_DB or sqlite:./data/appban.db)',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  registerValidate(program, io, done);
  registerCatalog(program, io, done);
  registerPrecedents(program, io, done);
  registerApply(program, io, done);
  registerEnforce(program, io, done);
  registerIngest(program, io, done);
  registerReport(program, io, done);
  registerExceptions(program, io, done);
  registerDemo(program, io, done);
  registerServe(program, io, done);
  registerUsers(program, io, done);
  registerAudit(program, io, done);
  registerNotify(program, io, done);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const json = argv.includes('--json');
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      ) {
        return EXIT.ok;
      }
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.error;
    }
    return reportError(io, error, json);
  }
}
