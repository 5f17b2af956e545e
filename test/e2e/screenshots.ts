/**
 * Screenshots of every dashboard page with the demo data, for docs/screenshots/:
 *   npx tsx test/e2e/screenshots.ts [--devices 2000] [--out docs/screenshots] [--full]
 * Builds the dashboard, fills a temporary store with `appban demo`, serves it on loopback and
 * drives Debian's Chromium at 1280x800 (and the overview once more at tablet width, 768x1024).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { packageRoot } from '../../src/lib/paths.js';
import { Cleanup } from './cleanup.js';
import {
  buildDashboard,
  chromiumAvailable,
  launchChromium,
  startDemoServer,
  USERS,
} from './dashboard.harness.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    out: { type: 'string', default: join(packageRoot(), 'docs', 'screenshots') },
    full: { type: 'boolean', default: false },
  },
});

interface Shot {
  name: string;
  path: string;
  /** Text that shows once the page has its data. */
  ready: (page: Page) => Promise<unknown>;
  before?: (page: Page) => Promise<unknown>;
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)');
  const out = values.out;
  mkdirSync(out, { recursive: true });
  console.log('building the dashboard…');
  await buildDashboard();
  const cleanup = new Cleanup();
  try {
    console.log(`filling a store with ${values.devices} demo devices…`);
    const server = await startDemoServer({ devices: Number(values.devices), months: 2 });
    cleanup.add(() => server.close());
    const browser = await launchChromium();
    cleanup.add(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    cleanup.add(() => context.close());
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const shoot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      const file = join(out, `${name}.png`);
      await page.screenshot({ path: file, fullPage: values.full });
      console.log(`wrote ${file}`);
    };

    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill(USERS.admin.username);
    await shoot('login');
    await page.getByLabel('Password').fill(USERS.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();

    // A little activity, so the exceptions and audit pages show more than the demo's setup.
    const me = (await (await page.request.get(`${server.url}/api/v1/auth/me`)).json()) as {
      csrfToken: string;
    };
    const headers = { 'x-csrf-token': me.csrfToken };
    for (const [id, group, approve] of [
      ['police-cyber-unit', 'federal/justice/police/cyber', true],
      ['comms-social-media', 'federal/chancellery/communication', false],
    ] as const) {
      const created = await page.request.post(`${server.url}/api/v1/exceptions`, {
        headers,
        data: {
          banId: 'be-federal-tiktok-2023',
          id,
          subjects: { group },
          reason: approve ? 'law-enforcement: investigations' : 'official communication on the platform',
          expires: new Date(Date.now() + (approve ? 21 : 120) * 86_400_000).toISOString().slice(0, 10),
          approve,
        },
      });
      if (!created.ok()) throw new Error(`exception ${id}: ${created.status()} ${await created.text()}`);
    }
    const overdue = await page.request.get(`${server.url}/api/v1/devices?state=overdue&limit=1`);
    const firstOverdue = ((await overdue.json()) as { devices: { id: number }[] }).devices[0];
    const shots: Shot[] = [
      {
        name: 'overview',
        path: '/',
        ready: (p) => p.getByRole('img', { name: /Share of devices/ }).waitFor(),
      },
      { name: 'bans', path: '/bans', ready: (p) => p.locator('tbody tr').first().waitFor() },
      {
        name: 'ban-detail',
        path: '/bans/be-federal-tiktok-2023',
        ready: (p) => p.getByRole('heading', { name: 'Enforcement downloads' }).waitFor(),
      },
      { name: 'devices', path: '/devices', ready: (p) => p.locator('tbody tr').first().waitFor() },
      {
        name: 'device-detail',
        path: `/devices/${firstOverdue?.id ?? 1}`,
        ready: (p) => p.getByRole('heading', { name: 'Apps in the latest inventory' }).waitFor(),
      },
      { name: 'exceptions', path: '/exceptions', ready: (p) => p.locator('tbody tr').first().waitFor() },
      { name: 'audit', path: '/audit', ready: (p) => p.locator('tbody tr').first().waitFor() },
      {
        name: 'reports',
        path: '/reports',
        ready: (p) => p.getByRole('heading', { name: /^Compliance at/ }).waitFor(),
      },
    ];
    for (const shot of shots) {
      await page.goto(`${server.url}${shot.path}`);
      await shot.ready(page);
      await shoot(shot.name);
    }
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${server.url}/`);
    await page.getByRole('img', { name: /Share of devices/ }).waitFor();
    await shoot('overview-tablet');
  } catch (error) {
    await cleanup.runAfter(error);
  }
  await cleanup.run();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
