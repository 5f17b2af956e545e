import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { packageRoot } from '../../src/lib/paths.js';

/**
 * `appban serve` and other CLI commands as real child processes (`node bin/appban.js …`), for tests
 * that need separate processes: several replicas, or a server killed with SIGKILL. Every child is
 * tracked until it exits; `killAllServes()` in an afterEach/afterAll makes sure none outlives a test.
 */

const BIN = join(packageRoot(), 'bin', 'appban.js');
const SERVING = /appban is serving \S+ at (https?:\/\/[^\s/]+:(\d+))\/?\s*$/m;

const live = new Set<ChildProcess>();

export interface StartServeOptions {
  /** The database URL (`sqlite:<path>` or `postgres://…`). */
  db: string;
  /** More `serve` flags, e.g. `['--ingest-rate-limit', '0', '--no-notify']`. */
  args?: readonly string[];
  /** How long to wait for the "serving" line (default 20 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServeProcess {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the child wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the child has exited, however. */
  exited: Promise<Exit>;
  /** SIGTERM (a clean shutdown), then the exit. */
  stop(): Promise<Exit>;
  /** SIGKILL (no chance to clean up), then the exit. */
  kill(): Promise<Exit>;
}

function track(child: ChildProcess): Promise<Exit> {
  live.add(child);
  return new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
}

function signalAndWait(child: ChildProcess, exited: Promise<Exit>, signal: NodeJS.Signals): Promise<Exit> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}

/** Starts `appban serve --port 0 --host 127.0.0.1 --db <db> …args` and waits until it listens. */
export async function startServe(options: StartServeOptions): Promise<ServeProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', options.db, ...(options.args ?? [])],
    {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    },
  );
  const exited = track(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const describe = (what: string) =>
    new Error(`appban serve ${what}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(describe(`printed no "serving" line within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = () => {
      const match = SERVING.exec(stdout);
      if (!match) return;
      finish();
      const port = Number(match[2]);
      resolve({ url: `http://127.0.0.1:${port}`, port });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      finish();
      reject(describe(`exited (code ${code}, signal ${signal}) before it was serving`));
    };
    const onError = (error: Error) => {
      finish();
      reject(describe(`could not be started: ${error.message}`));
    };
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  }).catch(async (error: unknown) => {
    await signalAndWait(child, exited, 'SIGKILL');
    throw error;
  });

  return {
    ...listening,
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: () => signalAndWait(child, exited, 'SIGTERM'),
    kill: () => signalAndWait(child, exited, 'SIGKILL'),
  };
}

/** SIGKILLs every child this module started that is still running, and waits for them. */
export async function killAllServes(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

// A safety net for a test runner that exits without running the hooks.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface CliProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/appban.js …args` as a separate process and collects its output. */
export async function runAppbanProcess(
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CliProcessResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: packageRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = track(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (signal !== null) throw new Error(`appban ${args.join(' ')} was killed (${signal}):\n${stderr}`);
  return { code, stdout, stderr };
}

/** A PostgreSQL database of its own for one test file, and how to drop it. */
export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `<prefix>_<random>` next to the database of `serverUrl`; `drop()` removes it with (force). */
export async function createScratchPgDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}
