import type { Command } from 'commander';
import type { ExceptionSubjects } from '../../bans/ban.types.js';
import { DAY_MS, formatCalendarDate, parseCalendarDate } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { listExceptions, type StoredException } from '../../store/exception.repository.js';
import { withContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';
import { table } from './catalog.command.js';

interface AddOptions {
  ban: string;
  id: string;
  group?: string;
  device?: string[];
  holder?: string[];
  reason: string;
  approvedBy?: string;
  requestedBy?: string;
  starts?: string;
  expires: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Exceptions kept in the store, beside those written in ban files: requested, approved, revoked.
 * Every change re-derives the ban's findings from the moment it takes effect, so reports for past
 * days stay exact.
 */
export function registerExceptions(program: Command, io: Io, done: (code: number) => void): void {
  const exceptions = program.command('exceptions').description('exceptions with reason, approver and expiry');

  exceptions
    .command('add')
    .description('record an exception (approved at once with --approved-by, otherwise requested)')
    .requiredOption('--ban <id>', 'the applied ban it carves out of')
    .requiredOption('--id <id>', 'a unique id for the exception')
    .option('--group <path>', 'devices in this group or below it')
    .option('--device <id>', 'a device (serial, UDID or source id); repeatable', collect)
    .option('--holder <name>', 'devices held by this person; repeatable', collect)
    .requiredOption('--reason <reason>', 'why, e.g. law-enforcement, security-research')
    .option('--approved-by <name>', 'who approved it')
    .option('--requested-by <name>', 'who asked for it')
    .option('--starts <date>', 'first day it applies (default: on approval)')
    .requiredOption('--expires <date>', 'last day it applies')
    .action(async (options: AddOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const subjects: ExceptionSubjects = {};
      if (options.group !== undefined) subjects.group = options.group;
      if (options.device?.length) subjects.devices = options.device;
      if (options.holder?.length) subjects.holders = options.holder;
      if (Object.keys(subjects).length === 0) {
        throw new AppbanError(
          'BAN_EXCEPTION_INCOMPLETE',
          'the exception covers no devices: give --group, --device or --holder',
        );
      }
      const expiresAt = day(options.expires, '--expires') + DAY_MS;
      const startsAt = options.starts === undefined ? undefined : day(options.starts, '--starts');
      const stored = await withContext(globals, (context) =>
        context.exceptions.request(
          {
            id: options.id,
            banId: options.ban,
            subjects,
            reason: options.reason,
            expiresAt,
            ...(startsAt === undefined ? {} : { startsAt }),
            ...(options.approvedBy === undefined ? {} : { approvedBy: options.approvedBy }),
            ...(options.requestedBy === undefined ? {} : { requestedBy: options.requestedBy }),
          },
          options.approvedBy ?? options.requestedBy ?? 'cli',
        ),
      );
      print(io, globals, stored);
      done(EXIT.ok);
    });

  exceptions
    .command('approve')
    .description('approve a requested exception')
    .argument('<id>', 'exception id')
    .requiredOption('--by <name>', 'who approves it')
    .action(async (id: string, options: { by: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const stored = await withContext(globals, (context) => context.exceptions.approve(id, options.by));
      print(io, globals, stored);
      done(EXIT.ok);
    });

  exceptions
    .command('revoke')
    .description('end an exception now; revocation is final')
    .argument('<id>', 'exception id')
    .requiredOption('--by <name>', 'who revokes it')
    .action(async (id: string, options: { by: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const stored = await withContext(globals, (context) => context.exceptions.revoke(id, options.by));
      print(io, globals, stored);
      done(EXIT.ok);
    });

  exceptions
    .command('list')
    .description('the stored exceptions, newest first')
    .option('--ban <id>', 'only this ban')
    .option('--active', 'only those in force now')
    .action(async (options: { ban?: string; active?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const list = await withContext(globals, ({ store }) =>
        listExceptions(store.db, {
          ...(options.ban === undefined ? {} : { banId: options.ban }),
          ...(options.active ? { activeAt: Date.now() } : {}),
        }),
      );
      if (globals.json) printJson(io, { exceptions: list.map(present) });
      else
        io.stdout(
          table(
            ['id', 'ban', 'status', 'expires', 'approved by', 'reason'],
            list.map((e) => [e.id, e.banId, e.status, lastDay(e), e.approvedBy ?? '', e.reason]),
          ),
        );
      done(EXIT.ok);
    });
}

function day(text: string, flag: string): number {
  const ms = parseCalendarDate(text);
  if (ms === undefined)
    throw new AppbanError('BAN_INVALID_DATE', `${flag} ${text} is not a date; write YYYY-MM-DD`);
  return ms;
}

function lastDay(e: StoredException): string {
  return formatCalendarDate(e.expiresAt - DAY_MS);
}

function present(e: StoredException) {
  return {
    id: e.id,
    banId: e.banId,
    status: e.status,
    subjects: e.subjects,
    reason: e.reason,
    requestedBy: e.requestedBy,
    approvedBy: e.approvedBy,
    starts: e.startsAt === null ? null : formatCalendarDate(e.startsAt),
    expires: lastDay(e),
    revokedBy: e.revokedBy,
  };
}

function print(io: Io, globals: GlobalOptions, e: StoredException): void {
  if (globals.json) printJson(io, present(e));
  else io.stdout(`exception ${e.id} on ${e.banId}: ${e.status}, until ${lastDay(e)}\n`);
}
