import type { Command } from 'commander';
import { AppbanError } from '../../lib/errors.js';
import { listChannels } from '../../notify/channel.repository.js';
import { addChannel, removeChannel } from '../../notify/channel.service.js';
import { listDeliveries } from '../../notify/delivery-log.js';
import { smtpConfigFromEnv } from '../../notify/email.sender.js';
import { createNotifier } from '../../notify/notifier.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../store/schema.js';
import { withContext } from '../context.js';
import { cliActor, EXIT, type GlobalOptions, type Io, printJson } from '../output.js';
import { table } from './catalog.command.js';

const eventsOf = (text: string | undefined) =>
  text === undefined
    ? {}
    : {
        events: text
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== ''),
      };

/** Notification channels, the delivery log, and one pass of sending for setups without `serve`. */
export function registerNotify(program: Command, io: Io, done: (code: number) => void): void {
  const notify = program.command('notify').description('webhook and email notifications');
  notify
    .command('add-webhook')
    .description('send notifications to a URL, signed with HMAC-SHA256; the secret is shown once')
    .argument('<url>', 'https:// or http:// endpoint')
    .option(
      '--events <kinds>',
      'comma-separated kinds (violation.new, violation.overdue, exception.expiring, ban.review-due); default all',
    )
    .option(
      '--secret-env <name>',
      'take the signing secret from this environment variable instead of generating one',
    )
    .action(async (url: string, options: { events?: string; secretEnv?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      let secret: string | undefined;
      if (options.secretEnv !== undefined) {
        secret = process.env[options.secretEnv];
        if (secret === undefined)
          throw new AppbanError('USAGE', `the environment variable ${options.secretEnv} is not set`);
      }
      const created = await withContext(globals, (context) =>
        addChannel(context.store.db, {
          kind: 'webhook',
          url,
          ...(secret === undefined ? {} : { secret }),
          ...eventsOf(options.events),
          createdBy: cliActor(),
          at: context.now(),
        }),
      );
      if (globals.json) printJson(io, { ...created.channel, secret: created.secret });
      else {
        io.stdout(`webhook channel ${created.channel.id} → ${created.channel.url}\n`);
        if (secret === undefined) io.stdout(`signing secret (shown only now): ${created.secret}\n`);
      }
      done(EXIT.ok);
    });
  notify
    .command('add-email')
    .description('send notifications by email (SMTP from APPBAN_SMTP_URL and APPBAN_SMTP_FROM)')
    .argument('<address...>', 'one or more recipients')
    .option('--events <kinds>', 'comma-separated kinds; default all')
    .action(async (addresses: string[], options: { events?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const created = await withContext(globals, (context) =>
        addChannel(context.store.db, {
          kind: 'email',
          addresses,
          ...eventsOf(options.events),
          createdBy: cliActor(),
          at: context.now(),
        }),
      );
      if (globals.json) printJson(io, created.channel);
      else io.stdout(`email channel ${created.channel.id} → ${created.channel.addresses.join(', ')}\n`);
      done(EXIT.ok);
    });
  notify
    .command('channels')
    .description('the enabled channels (never their secrets)')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const channels = await withContext(globals, ({ store }) => listChannels(store.db));
      if (globals.json) printJson(io, { channels });
      else
        io.stdout(
          table(
            ['id', 'kind', 'to', 'events'],
            channels.map((c) => [String(c.id), c.kind, c.url ?? c.addresses.join(', '), c.events.join(', ')]),
          ),
        );
      done(EXIT.ok);
    });
  notify
    .command('disable')
    .description('stop sending to a channel')
    .argument('<id>', 'channel id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const number = Number(id);
      if (!Number.isInteger(number) || number < 1)
        throw new AppbanError('USAGE', `channel id ${id} is not a number`);
      const channel = await withContext(globals, (context) =>
        removeChannel(context.store.db, number, { actor: cliActor(), at: context.now() }),
      );
      if (globals.json) printJson(io, channel);
      else io.stdout(`channel ${channel.id} disabled\n`);
      done(EXIT.ok);
    });
  notify
    .command('deliveries')
    .description('the delivery log, newest first, with every attempt')
    .option('--status <status>', `only ${DELIVERY_STATUSES.join(', ')}`)
    .option('--limit <n>', 'how many', '50')
    .action(async (options: { status?: string; limit: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (
        options.status !== undefined &&
        !(DELIVERY_STATUSES as readonly string[]).includes(options.status)
      ) {
        throw new AppbanError(
          'USAGE',
          `--status ${options.status} is not one of ${DELIVERY_STATUSES.join(', ')}`,
        );
      }
      const page = await withContext(globals, ({ store }) =>
        listDeliveries(store.db, {
          ...(options.status === undefined ? {} : { status: options.status as DeliveryStatus }),
          limit: Number(options.limit) || 50,
        }),
      );
      if (globals.json) printJson(io, { deliveries: page.items });
      else
        io.stdout(
          table(
            ['id', 'status', 'attempts', 'channel', 'what', 'last error'],
            page.items.map((d) => [
              String(d.id),
              d.status,
              String(d.attempts),
              `${d.channelKind} ${d.channelId}`,
              d.summary,
              d.lastError ?? '',
            ]),
          ),
        );
      done(EXIT.ok);
    });
  notify
    .command('run')
    .description('raise due notifications and send them once (for setups that do not run `appban serve`)')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const smtp = smtpConfigFromEnv(process.env);
      const summary = await withContext(globals, (context) =>
        createNotifier({ db: context.store.db, now: context.now, ...(smtp ? { smtp } : {}) }).runOnce(),
      );
      if (globals.json) printJson(io, summary);
      else
        io.stdout(
          `raised ${summary.raised}, sent ${summary.sent}, retrying ${summary.retried}, failed ${summary.failed}\n`,
        );
      done(EXIT.ok);
    });
}
