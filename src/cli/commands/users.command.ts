import type { Command } from 'commander';
import { isRole, ROLES, type Role } from '../../auth/roles.js';
import { listUsers } from '../../auth/user.repository.js';
import { AppbanError } from '../../lib/errors.js';
import { withContext } from '../context.js';
import { cliActor, EXIT, type GlobalOptions, type Io, printJson } from '../output.js';
import { table } from './catalog.command.js';

interface AddOptions {
  role: string;
  passwordStdin?: boolean;
  passwordEnv?: string;
}

function roleOf(text: string): Role {
  if (!isRole(text))
    throw new AppbanError('USAGE', `--role ${text} is not a role; use one of ${ROLES.join(', ')}`);
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** People who log in, and API tokens for scripts, agents and MDM webhooks. */
export function registerUsers(program: Command, io: Io, done: (code: number) => void): void {
  const users = program.command('users').description('people who log in to the dashboard');
  users
    .command('add')
    .description('add a user; without a password option, a password is generated and shown once')
    .argument('<username>', 'lower-case login name, e.g. an.officer@example.gov')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input')
    .option('--password-env <name>', 'read the password from this environment variable')
    .action(async (username: string, options: AddOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const role = roleOf(options.role);
      let password: string | undefined;
      if (options.passwordStdin) password = await readStdin();
      else if (options.passwordEnv !== undefined) {
        password = process.env[options.passwordEnv];
        if (password === undefined) {
          throw new AppbanError('USAGE', `the environment variable ${options.passwordEnv} is not set`);
        }
      }
      const { user, generatedPassword } = await withContext(globals, (context) =>
        context.auth.createUser({
          username,
          role,
          ...(password === undefined ? {} : { password }),
          actor: cliActor(),
        }),
      );
      if (globals.json) {
        printJson(io, {
          username: user.username,
          role: user.role,
          ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
        });
      } else {
        io.stdout(`added ${user.username} (${user.role})\n`);
        if (generatedPassword !== undefined) {
          io.stdout(`password (shown only now): ${generatedPassword}\n`);
        }
      }
      done(EXIT.ok);
    });
  users
    .command('list')
    .description('every user and their role')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const list = await withContext(globals, ({ store }) => listUsers(store.db));
      if (globals.json) {
        printJson(io, {
          users: list.map((u) => ({
            username: u.username,
            role: u.role,
            createdAt: new Date(u.createdAt).toISOString(),
            createdBy: u.createdBy,
          })),
        });
      } else {
        io.stdout(
          table(
            ['username', 'role', 'created', 'by'],
            list.map((u) => [
              u.username,
              u.role,
              new Date(u.createdAt).toISOString().slice(0, 10),
              u.createdBy,
            ]),
          ),
        );
      }
      done(EXIT.ok);
    });

  const tokens = program.command('tokens').description('API tokens for scripts, agents and MDM webhooks');
  tokens
    .command('create')
    .description('create a token; it is shown once and stored only as a hash')
    .requiredOption('--name <name>', 'what uses it, e.g. fleet-webhook')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--expires-in-days <n>', 'days until it stops working (1–366)', '90')
    .action(async (options: { name: string; role: string; expiresInDays: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const days = Number(options.expiresInDays);
      const { token, record } = await withContext(globals, (context) =>
        context.auth.createToken({
          name: options.name,
          role: roleOf(options.role),
          expiresInDays: days,
          actor: cliActor(),
        }),
      );
      if (globals.json) {
        printJson(io, { ...record, expiresAt: new Date(record.expiresAt).toISOString(), token });
      } else {
        io.stdout(
          `token ${record.id} (${record.name}, ${record.role}) expires ${new Date(record.expiresAt).toISOString().slice(0, 10)}\n` +
            `${token}\nIt is shown only now; send it as "Authorization: Bearer <token>".\n`,
        );
      }
      done(EXIT.ok);
    });
  tokens
    .command('revoke')
    .description('revoke a token at once')
    .argument('<id>', 'the token id (the part after abt_)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const record = await withContext(globals, (context) => context.auth.revokeToken(id, cliActor()));
      if (globals.json) printJson(io, { id: record.id, name: record.name, revoked: true });
      else io.stdout(`token ${record.id} (${record.name}) revoked\n`);
      done(EXIT.ok);
    });
  tokens
    .command('list')
    .description('every token, never its secret')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const list = await withContext(globals, (context) => context.auth.listTokens());
      const day = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 10));
      if (globals.json) printJson(io, { tokens: list });
      else
        io.stdout(
          table(
            ['id', 'name', 'role', 'expires', 'revoked', 'last used'],
            list.map((t) => [t.id, t.name, t.role, day(t.expiresAt), day(t.revokedAt), day(t.lastUsedAt)]),
          ),
        );
      done(EXIT.ok);
    });
}
