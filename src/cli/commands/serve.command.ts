import type { Command } from 'commander';
import { createClockPass } from '../../compliance/due-changes.js';
import { AppbanError } from '../../lib/errors.js';
import { startNotifier } from '../../notify/notifier.start.js';
import { buildApp } from '../../server/app.js';
import { databaseUrl, openContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io } from '../output.js';

interface ServeOptions {
  port: string;
  host: string;
  loginRateLimit: string;
  ingestRateLimit: string;
  uploadLimitMb: string;
  secureCookies?: boolean;
  notify: boolean;
  pool: string;
}

function nonNegativeInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new AppbanError('USAGE', `${flag} ${text} is not a whole number`);
  return value;
}

export function registerServe(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('serve')
    .description('serve the HTTP API and the dashboard')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to listen on (0.0.0.0 behind a load balancer)', '127.0.0.1')
    .option('--login-rate-limit <n>', 'login attempts per client address per minute', '10')
    .option(
      '--ingest-rate-limit <n>',
      'ingest and check-in requests per caller per minute (0: no limit)',
      '6000',
    )
    .option('--upload-limit-mb <n>', 'largest inventory file accepted by POST /api/v1/inventory', '512')
    .option('--secure-cookies', 'mark session cookies Secure (when served over HTTPS)')
    .option('--no-notify', 'do not send notifications from this replica')
    .option('--pool <n>', 'PostgreSQL connections this replica opens', '10')
    .action(async (options: ServeOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppbanError('USAGE', `--port ${options.port} is not a port number`);
      }
      const context = await openContext(databaseUrl(globals), {
        poolSize: nonNegativeInt(options.pool, '--pool') || 10,
      });
      const password = await context.auth.bootstrapAdmin();
      if (password !== undefined) {
        io.stdout(
          `No users yet: created user "admin" with the one-time password\n\n    ${password}\n\n` +
            'It is shown only now. Log in and add people with `appban users add`.\n',
        );
      }
      const clock = createClockPass(context.store.db, {
        now: context.now,
        onError: () => io.stderr('appban: bringing findings up to the clock failed; retrying in a minute\n'),
      });
      clock.start();
      const notifier = options.notify ? startNotifier(context, io) : undefined;
      const app = await buildApp(context, {
        logger: process.env.APPBAN_LOG_LEVEL ?? 'warn',
        loginRatePerMinute: nonNegativeInt(options.loginRateLimit, '--login-rate-limit'),
        ingestRatePerMinute: nonNegativeInt(options.ingestRateLimit, '--ingest-rate-limit'),
        uploadLimit: nonNegativeInt(options.uploadLimitMb, '--upload-limit-mb') * 1024 * 1024,
        secureCookies: options.secureCookies === true,
        ...(notifier ? { afterChange: () => notifier.kick() } : {}),
      });
      const address = await app.listen({ port, host: options.host });
      io.stdout(
        `appban is serving ${context.store.displayUrl} at ${address.replace('127.0.0.1', 'localhost')}/\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      clock.stop();
      await notifier?.stop();
      await context.close();
      done(EXIT.ok);
    });
}
