import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup.js';
import {
  buildDashboard,
  CHROMIUM,
  chromiumAvailable,
  type DemoServer,
  launchChromium,
  startDemoServer,
  USERS,
} from './dashboard.harness.js';

const IN_CI = process.env.CI === 'true';
const HAVE_CHROMIUM = chromiumAvailable();
if (!HAVE_CHROMIUM) {
  const message = `${CHROMIUM} is missing (apt-get install chromium): the dashboard's end-to-end tests cannot run`;
  if (IN_CI) throw new Error(message);
  console.warn(`\n*** SKIPPING dashboard end-to-end tests: ${message} ***\n`);
}

const TIMEOUT = 15_000;
const numberText = (n: number) => new Intl.NumberFormat('en-GB').format(n);

interface BanSummary {
  id: string;
  title: string;
  revision: number;
  counts: { inScope: number; compliant: number; overdue: number; violating: number };
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard, end to end in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const go = (path: string) => page.goto(`${server.url}${path}`);
  const heading = (name: string | RegExp, level = 1) => page.getByRole('heading', { name, level });
  const apiJson = async <T>(path: string): Promise<T> => {
    const response = await page.request.get(`${server.url}${path}`);
    expect(response.status(), path).toBe(200);
    return (await response.json()) as T;
  };

  async function signIn(username: string, password: string): Promise<void> {
    await heading('Sign in').waitFor();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const cleanup = new Cleanup();

  beforeAll(async () => {
    await buildDashboard();
    // 2,000 devices: enough that the simulated fleet has overdue devices to find.
    server = await startDemoServer({ devices: 2000, months: 2 });
    cleanup.add(() => server.close());
    browser = await launchChromium();
    cleanup.add(() => browser.close());
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    cleanup.add(() => context.close());
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  }, 180_000);

  afterAll(() => cleanup.run());

  it('refuses a wrong password, then signs in and lands on the overview', async () => {
    await go('/');
    await signIn(USERS.admin.username, 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The username or password is not right');
    expect(await page.getByLabel('Password').inputValue()).toBe('');

    await signIn(USERS.admin.username, USERS.admin.password);
    await heading('Overview').waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('alice');
  });

  it('shows every ban on the overview with its counts, trend and coming dates', async () => {
    const { bans } = await apiJson<{ bans: BanSummary[] }>('/api/v1/bans');
    expect(bans.length).toBe(3);
    for (const ban of bans) {
      const card = page.getByRole('article', { name: ban.title });
      await card.waitFor();
      const tile = async (label: string) =>
        (await card
          .locator('.tile', { has: page.locator('dt', { hasText: label }) })
          .locator('dd')
          .textContent()) ?? '';
      expect(await tile('In scope')).toBe(numberText(ban.counts.inScope));
      expect(await tile('Compliant')).toContain(numberText(ban.counts.compliant));
      expect(await tile('Overdue')).toBe(numberText(ban.counts.overdue));
    }
    const chart = page.getByRole('img', { name: /Share of devices in scope that are compliant/ });
    await chart.waitFor();
    expect(await chart.locator('polyline').count()).toBe(1);
    await heading('Coming up', 2).waitFor();
    await heading('Groups with the most overdue devices', 2).waitFor();
  });

  it('edits a ban into a new revision and lists the change', async () => {
    const ban = 'be-federal-tiktok-2023';
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bans' }).click();
    await heading('Bans').waitFor();
    await page.getByRole('link', { name: 'TikTok on federal government devices' }).click();
    await heading('TikTok on federal government devices').waitFor();
    expect(await page.getByTestId('ban-revision').textContent()).toBe('revision 1');
    await heading('Revision 1 is the first.', 3)
      .or(page.getByText('Revision 1 is the first.'))
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'Edit ban' }).click();
    const editor = page.getByLabel('Ban file (YAML)');
    const yaml = await editor.inputValue();
    expect(yaml).toContain(`id: ${ban}`);
    await editor.fill(yaml.replace(/^title: .*$/m, 'title: TikTok and its variants on federal devices'));
    await page.getByRole('button', { name: 'Save as new revision' }).click();

    await heading('TikTok and its variants on federal devices').waitFor();
    expect(await page.getByTestId('ban-revision').textContent()).toBe('revision 2');
    await page.getByRole('status').filter({ hasText: 'Saved as revision 2' }).waitFor();
    const diff = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Before' }) });
    const row = diff.getByRole('row', { name: /title/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('TikTok on federal government devices');
    expect(await row.textContent()).toContain('TikTok and its variants on federal devices');
    // Enforcement artifacts are offered per target.
    await heading('Enforcement downloads', 2).waitFor();
    expect(await page.getByRole('link', { name: /^Download/ }).count()).toBeGreaterThan(0);
  });

  it('requests an exception and approves it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exceptions' }).click();
    await heading('Exceptions').waitFor();
    await page.getByRole('button', { name: 'Request an exception' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request an exception' });
    await dialog.waitFor();
    await dialog.getByLabel('Ban').selectOption('be-federal-tiktok-2023');
    await dialog.getByLabel('Exception id (optional)').fill('police-cyber-unit');
    await dialog.getByLabel('Group path').fill('federal/police/cyber');
    await dialog.getByLabel('Reason').fill('law-enforcement: investigations of TikTok accounts');
    const expires = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('Expires').fill(expires);
    await dialog.getByRole('button', { name: 'Request exception' }).click();

    const row = page.locator('tr[data-exception="police-cyber-unit"]');
    await row.waitFor();
    await row.getByText('Requested', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('federal/police/cyber');
    await row.getByRole('button', { name: 'Approve police-cyber-unit' }).click();
    await row.getByText(/^Approved/).waitFor();
    expect(await row.textContent()).toContain('by alice');
    expect(await row.getByRole('button', { name: 'Approve police-cyber-unit' }).count()).toBe(0);
  });

  it('finds an overdue device with the filters and shows TikTok among its apps', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await heading('Devices').waitFor();
    const total = await page.getByRole('heading', { level: 2, name: /devices/ }).textContent();
    expect(total).toMatch(/of 2,000 devices/);
    await page.getByLabel('State').selectOption('overdue');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('heading', { level: 2, name: /matching the filters/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('state')).toBe('overdue');
    const first = page.locator('tbody tr').first();
    expect(await first.textContent()).toContain('Overdue');
    await first.getByRole('link').first().click();
    await heading('Apps in the latest inventory', 2).waitFor();
    const apps = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Identifier' }) });
    const tiktok = apps.getByRole('row').filter({ hasText: 'TikTok' }).first();
    await tiktok.waitFor();
    expect(await tiktok.textContent()).toContain('Banned app');
    await heading('Findings', 2).waitFor();
    expect(await page.getByRole('table').first().textContent()).toContain('Overdue');
  });

  it('shows a report for a chosen date and downloads it as CSV', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await heading('Reports').waitFor();
    const day = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Date').fill(day);
    await page.getByRole('button', { name: 'Show report' }).click();
    const title = page.getByRole('heading', { level: 2, name: /^Compliance at/ });
    await title.waitFor();
    expect(new URL(page.url()).searchParams.get('at')).toBe(day);
    const [d, m, y] = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    })
      .format(new Date(`${day}T00:00:00Z`))
      .split(' ');
    expect(await title.textContent()).toContain(`${d} ${m} ${y}`);
    await page
      .getByRole('table')
      .first()
      .getByRole('row', { name: /TikTok on federal/ })
      .waitFor();
    const shown = await page
      .getByRole('heading', { level: 3, name: /^Devices with a banned app/ })
      .textContent();
    const findings = Number(/\((\d+)\)/.exec(shown ?? '')?.[1]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split(/\r?\n/).filter(Boolean);
    expect(lines[0]).toBe(
      'at,ban_id,ban_revision,device_id,device_name,holder,group,state,apps,since,deadline',
    );
    expect(lines.length - 1).toBe(findings);
    for (const line of lines.slice(1)) expect(line).toMatch(/,(violating|overdue),/);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    await page.getByText('You are signed out.').waitFor();
    const me = await page.request.get(`${server.url}/api/v1/auth/me`);
    expect(me.status()).toBe(401);
  });

  it('shows an auditor everything but no button that changes anything', async () => {
    await go('/');
    await signIn(USERS.auditor.username, USERS.auditor.password);
    await heading('Overview').waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(1);

    await nav.getByRole('link', { name: 'Bans' }).click();
    await heading('Bans').waitFor();
    expect(await page.getByRole('button', { name: 'New ban' }).count()).toBe(0);
    await page.getByRole('link', { name: 'TikTok and its variants on federal devices' }).click();
    await heading('Revisions', 2).waitFor();
    expect(await page.getByRole('button', { name: 'Edit ban' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Exceptions' }).click();
    await page.locator('tr[data-exception="police-cyber-unit"]').waitFor();
    expect(await page.getByRole('button', { name: 'Request an exception' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Approve|Revoke) / }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Audit' }).click();
    await page.getByText('The chain is intact.').waitFor();
    await page.getByRole('cell', { name: 'exception.approved' }).first().waitFor();
  });
});
