import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBanFile } from '../src/bans/ban.loader.js';
import { type AppContext, openContext } from '../src/cli/context.js';
import { packageRoot } from '../src/lib/paths.js';
import { buildApp } from '../src/server/app.js';

let context: AppContext;
let app: ReturnType<typeof buildApp>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'appban-server-'));
  context = await openContext(`sqlite:${join(dir, 'appban.db')}`);
  const { ban } = await loadBanFile(
    join(packageRoot(), 'examples', 'be-federal-tiktok-2023.yaml'),
    context.catalog,
  );
  if (!ban) throw new Error('example ban invalid');
  await context.compliance.applyBan(ban, { appliedBy: 'test' });
  await context.compliance.ingest([
    {
      source: 'csv',
      device: {
        sourceDeviceId: 'SN9',
        name: 'Cabinet <phone>',
        platform: 'android',
        ownership: 'paid',
        group: 'federal/chancellery',
      },
      // Three days ago: past the P0D deadline whatever the time of day, and within the 7-day staleness window.
      observedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      apps: [{ kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok' }],
      coverage: 'full',
    },
  ]);
  app = buildApp(context);
});

afterAll(async () => {
  await app.close();
  await context.close();
});

describe('HTTP API', () => {
  it('answers health without a database round trip', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves the report in the CLI shape, and as CSV', async () => {
    const json = await app.inject({ method: 'GET', url: '/api/v1/reports' });
    expect(json.statusCode).toBe(200);
    const report = json.json();
    expect(report.bans[0].counts).toMatchObject({ inScope: 1, overdue: 1 });
    expect(report.findings[0]).toMatchObject({
      deviceName: 'Cabinet <phone>',
      state: 'overdue',
      apps: ['TikTok'],
    });
    const csv = await app.inject({ method: 'GET', url: '/api/v1/reports?format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('be-federal-tiktok-2023');
  });

  it('renders the report page with device names escaped', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Cabinet &lt;phone&gt;');
    expect(page.body).not.toContain('Cabinet <phone>');
  });

  it('puts every error in the envelope with a code and request id', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/v1/reports?at=2023-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: { code: 'USAGE', message: expect.stringContaining('2023-02-30') },
      requestId: expect.any(String),
    });
    const unknownParam = await app.inject({ method: 'GET', url: '/api/v1/reports?colour=red' });
    expect(unknownParam.statusCode).toBe(400);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const app404 = await app.inject({ method: 'GET', url: '/api/v1/catalog/apps/tiktk' });
    expect(app404.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('serves the catalog and the precedents', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/catalog/apps/tiktok' })).json().identifiers.length,
    ).toBeGreaterThan(20);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/precedents' })).json().precedents.length,
    ).toBeGreaterThan(15);
  });
});
