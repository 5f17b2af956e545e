import type { Command } from 'commander';
import { AppbanError } from '../../lib/errors.js';
import { buildApp } from '../../server/app.js';
import { databaseUrl, openContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io } from '../output.js';

interface ServeOptions {
  port: string;
  host: string;
}

export function registerServe(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('serve')
    .description('serve the HTTP API and the compliance report page')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option(
      '--host <host>',
      'address to listen on (the API has no login yet: keep it on loopback)',
      '127.0.0.1',
    )
    .action(async (options: ServeOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppbanError('USAGE', `--port ${options.port} is not a port number`);
      }
      const context = await openContext(databaseUrl(globals));
      const app = buildApp(context, { logger: false });
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
      await context.close();
      done(EXIT.ok);
    });
}
