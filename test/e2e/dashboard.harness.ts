import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { type AppContext, openContext } from '../../src/cli/context.js';
import { packageRoot } from '../../src/lib/paths.js';
import { buildApp } from '../../src/server/app.js';
import { runCli } from '../support/cli.js';
import { Cleanup } from './cleanup.js';

/** Debian's Chromium; the dashboard's end-to-end tests and screenshots drive it. */
export const CHROMIUM = '/usr/bin/chromium';
export const WEB_ROOT = join(packageRoot(), 'dist', 'web');

export const USERS = {
  admin: { username: 'alice', password: 'correct horse battery staple', role: 'admin' },
  auditor: { username: 'olga', password: 'auditor password 42', role: 'auditor' },
} as const;

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Builds web/ into dist/web with the project's Vite config, exactly as `npm run build:web` does. */
export async function buildDashboard(): Promise<void> {
  const vite = join(packageRoot(), 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: packageRoot(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}:\n${output}`)),
    );
  });
  if (!existsSync(join(WEB_ROOT, 'index.html')))
    throw new Error(`vite build wrote no ${WEB_ROOT}/index.html`);
}

export interface DemoServer {
  url: string;
  context: AppContext;
  close(): Promise<void>;
}

/**
 * A real server on loopback over a temporary SQLite store filled by `appban demo`, with an admin
 * and an auditor who can sign in.
 */
export async function startDemoServer(options: { devices: number; months: number }): Promise<DemoServer> {
  const cleanup = new Cleanup();
  const dir = mkdtempSync(join(tmpdir(), 'appban-e2e-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const db = `sqlite:${join(dir, 'appban.db')}`;
    const demo = await runCli([
      'demo',
      '--devices',
      String(options.devices),
      '--months',
      String(options.months),
      '--db',
      db,
    ]);
    if (demo.code !== 0) throw new Error(`appban demo failed (${demo.code}): ${demo.stderr}`);
    const context = await openContext(db);
    cleanup.add(() => context.close());
    for (const user of Object.values(USERS)) {
      await context.auth.createUser({
        username: user.username,
        role: user.role,
        password: user.password,
        actor: 'e2e-setup',
      });
    }
    // The tests sign in more often than a person would; the limit itself has its own tests.
    const app: FastifyInstance = await buildApp(context, { webRoot: WEB_ROOT, loginRatePerMinute: 1000 });
    cleanup.add(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, context, close: () => cleanup.run() };
  } catch (error) {
    return cleanup.runAfter(error);
  }
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
