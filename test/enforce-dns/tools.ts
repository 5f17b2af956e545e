import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import type { TargetOutput } from '../../src/enforce/target.types.js';

/** The Debian package that ships each tool these tests drive; CI installs them all. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  'named-checkzone': 'bind9-utils',
  'named-checkconf': 'bind9-utils',
  unbound: 'unbound',
  'unbound-checkconf': 'unbound',
  dnsmasq: 'dnsmasq-base',
};

/** Daemons and checkers live in sbin, which an unprivileged user's PATH often lacks. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * Whether a suite may skip because its tools are missing: only outside CI. In CI a missing tool
 * lets the suite run, and `tool()` then fails it with the package to install.
 */
export function maySkipWithout(...names: string[]): boolean {
  return process.env.CI !== 'true' && names.some((name) => findTool(name) === undefined);
}

export function tool(name: string): string {
  const path = findTool(name);
  if (!path) {
    throw new Error(`${name} is not installed: apt-get install ${DEBIAN_PACKAGES[name] ?? name}`);
  }
  return path;
}

export interface RunResult {
  status: number | null;
  output: string;
}

export function run(name: string, args: string[]): RunResult {
  const result = spawnSync(tool(name), args, { encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Writes a target's artifacts under `dir` and returns the path of the first (DNS targets write one). */
export function writeArtifact(dir: string, output: TargetOutput): string {
  const artifact = output.artifacts[0];
  if (!artifact) throw new Error('the target wrote no artifact');
  const path = join(dir, artifact.fileName);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, artifact.content);
  return path;
}

/** A loopback port free for both UDP and TCP at the time of asking. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const { port: bound } = socket.address();
        socket.close(() => resolve(bound));
      });
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (tcpFree) return port;
  }
  throw new Error('no free loopback port');
}

export interface Daemon {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a foreground daemon that cannot outlive the test: `timeout` kills it, and so does `stop`. */
export function startDaemon(name: string, args: string[]): Daemon {
  const child = spawn(tool(name), args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 25_000 });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.on('error', (error) => {
    output += `\nspawn error: ${error.message}`;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, stop };
}

/** Retries `probe` until it resolves, the daemon dies, or `ms` pass. */
export async function waitUntil<T>(daemon: Daemon, probe: () => Promise<T>, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) {
      throw new Error(`the daemon exited early:\n${daemon.output()}`);
    }
    try {
      return await probe();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the daemon did not answer in ${ms} ms (${String(last)}):\n${daemon.output()}`);
}
