import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { registerDeviceRoutes } from '../../src/server/routes/device.routes.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';
import {
  appWith,
  BAN,
  contextOver,
  FINANCE_BAN,
  ms,
  NOW,
  SIGNAL,
  snap,
  TIKTOK,
  weekly,
} from './routes-harness.js';

interface DeviceSummary {
  id: number;
  name: string | null;
  group: string | null;
  ownership: string;
  platform: string;
  states: Array<{ banId: string; state: string; deadline: string | null }>;
}
interface DevicePage {
  devices: DeviceSummary[];
  total: number;
  nextAfter: number | null;
}
interface FindingSummary {
  deviceId: number;
  deviceName: string | null;
  group: string | null;
  banId: string;
  state: string;
  since: string;
  deadline: string | null;
  apps: string[];
}

describeEachDialect('device routes', ({ store }) => {
  let context: AppContext;
  let app: FastifyInstance;

  beforeEach(async () => {
    context = contextOver(store());
    await context.compliance.applyBan(makeBan({ removal: { deadline: 'P30D' } }), {
      appliedBy: 'test',
      at: ms('2023-03-01'),
    });
    await context.compliance.applyBan(
      makeBan({
        id: FINANCE_BAN,
        title: 'TikTok in finance',
        scope: {
          ownership: ['owned', 'paid', 'byod'],
          groups: { include: ['federal/finance'], exclude: [] },
          platforms: 'all',
        },
      }),
      { appliedBy: 'test', at: ms('2023-03-01') },
    );
    await context.compliance.ingest([
      // TikTok since before the start: overdue since 2023-04-10.
      ...weekly('OVD1', '2023-03-01', [TIKTOK, SIGNAL]),
      ...weekly('OVD2', '2023-03-01', [TIKTOK], { group: 'federal/justice' }),
      // New devices with TikTok: thirty days from entering scope, not yet overdue.
      ...weekly('NEW1', '2023-06-20', [TIKTOK]),
      ...weekly('NEW2', '2023-06-22', [TIKTOK], { group: 'federal/justice', platform: 'ios' }),
      // Personal: outside the federal ban, inside the finance one.
      ...weekly('BYOD1', '2023-03-01', [TIKTOK], { ownership: 'byod' }),
      // Silent since May: unknown.
      snap('STALE1', '2023-05-01', [SIGNAL]),
      ...Array.from({ length: 9 }, (_, k) =>
        weekly(`CLEAN${k}`, '2023-03-01', [SIGNAL], {
          group: k % 3 === 0 ? 'federal/finance/it' : k % 3 === 1 ? 'federal/justice' : 'regional/brussels',
          ownership: k % 2 === 0 ? 'owned' : 'paid',
          platform: k < 4 ? 'android' : 'ios',
        }),
      ).flat(),
    ]);
    app = appWith(context, registerDeviceRoutes);
  });
  afterEach(async () => {
    await app.close();
  });

  const get = async <T>(url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as T };
  };
  const devices = async (query: string) => {
    const { status, body } = await get<DevicePage>(`/api/v1/devices?${query}`);
    expect(status).toBe(200);
    return body;
  };
  const names = (page: DevicePage) => page.devices.map((d) => d.name?.replace('PHONE-', '')).sort();
  const idOf = async (serial: string) => {
    const row = await store()
      .db.selectFrom('devices')
      .select('id')
      .where('serial', '=', serial)
      .executeTakeFirstOrThrow();
    return row.id;
  };

  it('lists every device in id order with its current state per ban', async () => {
    const page = await devices('');
    expect(page.total).toBe(15);
    expect(page.devices).toHaveLength(15);
    expect(page.nextAfter).toBeNull();
    const ids = page.devices.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const ovd1 = page.devices.find((d) => d.name === 'PHONE-OVD1');
    expect(ovd1?.states).toEqual([
      { banId: BAN, state: 'overdue', deadline: '2023-04-09T00:00:00.000Z' },
      { banId: FINANCE_BAN, state: 'overdue', deadline: '2023-04-09T00:00:00.000Z' },
    ]);
    expect(page.devices.find((d) => d.name === 'PHONE-BYOD1')?.states.map((s) => s.state)).toEqual([
      'not-in-scope',
      'overdue',
    ]);
    expect(page.devices.find((d) => d.name === 'PHONE-STALE1')?.states[0]?.state).toBe('unknown');
  });

  it('splits overdue from violating, and restricts the state to a ban', async () => {
    expect(names(await devices('state=overdue'))).toEqual(['BYOD1', 'OVD1', 'OVD2']);
    expect(names(await devices(`state=overdue&ban=${BAN}`))).toEqual(['OVD1', 'OVD2']);
    expect(names(await devices('state=violating'))).toEqual(['NEW1', 'NEW2']);
    expect(names(await devices(`state=violating&ban=${FINANCE_BAN}`))).toEqual(['NEW1']);
    expect((await devices(`state=not-in-scope&ban=${BAN}`)).total).toBe(4);
    expect(names(await devices('state=unknown'))).toEqual(['STALE1']);

    // The same split as the report's.
    const report = await context.compliance.report({ banId: BAN });
    const byState = (state: string) =>
      report.findings
        .filter((f) => f.state === state)
        .map((f) => f.deviceName?.replace('PHONE-', ''))
        .sort();
    expect(names(await devices(`state=overdue&ban=${BAN}`))).toEqual(byState('overdue'));
    expect(names(await devices(`state=violating&ban=${BAN}`))).toEqual(byState('violating'));
    const shown = await devices(`state=violating&ban=${BAN}`);
    expect(shown.devices.every((d) => d.states.find((s) => s.banId === BAN)?.state === 'violating')).toBe(
      true,
    );
  });

  it('filters by group (and below), search, and comma-separated or repeated ownership and platform', async () => {
    expect(names(await devices('group=federal/justice'))).toEqual([
      'CLEAN1',
      'CLEAN4',
      'CLEAN7',
      'NEW2',
      'OVD2',
    ]);
    expect((await devices('group=federal')).total).toBe(12);
    expect((await devices('group=federal/fin')).total).toBe(0);
    expect(names(await devices('search=phone-ovd'))).toEqual(['OVD1', 'OVD2']);
    expect(names(await devices('search=stale1%40gov'))).toEqual(['STALE1']);
    expect((await devices('search=%25')).total).toBe(0);
    const paid = await devices('ownership=paid');
    expect(names(paid)).toEqual(['CLEAN1', 'CLEAN3', 'CLEAN5', 'CLEAN7']);
    expect((await devices('ownership=paid,byod')).total).toBe(5);
    expect((await devices('ownership=paid&ownership=byod')).total).toBe(5);
    expect(names(await devices('platform=ios&ownership=paid'))).toEqual(['CLEAN5', 'CLEAN7']);
    expect((await devices('platform=ios,android')).total).toBe(15);
    expect(names(await devices('platform=ios&group=federal&state=violating'))).toEqual(['NEW2']);
  });

  it('pages by id without gaps or duplicates, with the total of every page', async () => {
    for (const query of ['', 'group=federal', 'state=overdue', 'ownership=owned&platform=android']) {
      const all = await devices(`${query}&limit=500`);
      const seen: number[] = [];
      let after: number | null | undefined;
      let pages = 0;
      do {
        const page = await devices(`${query}&limit=4${after ? `&after=${after}` : ''}`);
        expect(page.total).toBe(all.total);
        expect(page.devices.length).toBeLessThanOrEqual(4);
        seen.push(...page.devices.map((d) => d.id));
        after = page.nextAfter;
        pages++;
      } while (after !== null && pages < 20);
      expect(seen).toEqual(all.devices.map((d) => d.id));
      expect(new Set(seen).size).toBe(all.total);
      expect(pages).toBe(Math.max(1, Math.ceil(all.total / 4)));
    }
    // A page that ends exactly at the last device says so.
    const exact = await devices('limit=15');
    expect(exact.nextAfter).toBeNull();
    const beyond = await devices(`after=${exact.devices.at(-1)?.id}`);
    expect(beyond).toEqual({ devices: [], total: 15, nextAfter: null });
  });

  it('refuses bad filters with USAGE', async () => {
    for (const query of [
      'limit=501',
      'limit=0',
      'after=x',
      'state=overdo',
      'ownership=stolen',
      'platform=ios,symbian',
      'colour=red',
      `search=${'x'.repeat(201)}`,
      'ban=Not%20A%20Ban',
    ]) {
      const { status, body } = await get<{ error: { code: string } }>(`/api/v1/devices?${query}`);
      expect({ query, status, code: body.error.code }).toEqual({ query, status: 400, code: 'USAGE' });
    }
  });

  it('shows one device with its sources, latest apps, findings and history', async () => {
    const id = await idOf('OVD1');
    const { status, body } = await get<{
      device: Record<string, unknown>;
      sources: unknown[];
      apps: Array<{ kind: string; value: string; name: string | null; banned: boolean; appId?: string }>;
      findings: Array<Record<string, unknown>>;
      history: Array<{
        banId: string;
        from: string | null;
        to: string;
        at: string;
        evidence: Record<string, unknown>;
      }>;
    }>(`/api/v1/devices/${id}`);
    expect(status).toBe(200);
    expect(body.device).toEqual({
      id,
      name: 'PHONE-OVD1',
      holder: 'ovd1@gov.example',
      group: 'federal/finance',
      ownership: 'owned',
      platform: 'android',
      osVersion: null,
      managementMode: null,
      serial: 'OVD1',
      firstSeenAt: '2023-03-01T09:00:00.000Z',
      lastSeenAt: new Date(NOW).toISOString(),
    });
    expect(body.sources).toEqual([
      { source: 'android-management', sourceDeviceId: 'enterprises/e1/devices/OVD1' },
    ]);
    const tiktok = body.apps.find((a) => a.value === TIKTOK.value);
    const signal = body.apps.find((a) => a.value === SIGNAL.value);
    expect(tiktok).toMatchObject({
      kind: 'package',
      name: 'TikTok',
      version: '30.1',
      banned: true,
      appId: 'tiktok',
    });
    expect(signal).toEqual({
      kind: 'package',
      value: SIGNAL.value,
      name: 'Signal',
      version: null,
      banned: false,
    });
    expect(body.findings.map((f) => [f.banId, f.state, f.deadline, f.apps])).toEqual([
      [BAN, 'overdue', '2023-04-09T00:00:00.000Z', ['TikTok']],
      [FINANCE_BAN, 'overdue', '2023-04-09T00:00:00.000Z', ['TikTok']],
    ]);
    expect(body.findings[0]).toMatchObject({ revision: 1, since: expect.stringMatching(/^2023-03/) });
    expect(body.findings[0]?.matched).toEqual([
      expect.objectContaining({ kind: 'package', value: TIKTOK.value, appId: 'tiktok' }),
    ]);
    // Newest first; overdue shown as such; evidence kept whole.
    const ats = body.history.map((h) => h.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const federal = body.history.filter((h) => h.banId === BAN);
    // Not in scope before the ban's start (2023-03-10), then violating, then overdue.
    expect(federal.map((h) => `${h.from ?? '-'}>${h.to}`).reverse()).toEqual([
      '->not-in-scope',
      'not-in-scope>violating',
      'violating>overdue',
    ]);
    expect(federal[0]?.at).toBe('2023-04-10T00:00:00.000Z');
    expect(federal[0]?.evidence).toMatchObject({ state: 'overdue', group: 'federal/finance' });
  });

  it('answers 404 for an unknown device and 400 for an id that is not one', async () => {
    const missing = await get<{ error: { code: string } }>('/api/v1/devices/99999');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const id of ['abc', '1.5', '-3', '0']) {
      const bad = await get<{ error: { code: string } }>(`/api/v1/devices/${id}`);
      expect([id, bad.status, bad.body.error.code]).toEqual([id, 400, 'USAGE']);
    }
  });

  it('lists findings by ban with filters, and pages by device id within a ban', async () => {
    const overdue = await get<{ findings: FindingSummary[]; nextAfter: number | null }>(
      `/api/v1/findings?ban=${BAN}&state=overdue`,
    );
    expect(overdue.status).toBe(200);
    expect(overdue.body.nextAfter).toBeNull();
    expect(overdue.body.findings).toEqual([
      {
        deviceId: await idOf('OVD1'),
        deviceName: 'PHONE-OVD1',
        holder: 'ovd1@gov.example',
        group: 'federal/finance',
        banId: BAN,
        state: 'overdue',
        since: expect.stringMatching(/^2023-03/),
        deadline: '2023-04-09T00:00:00.000Z',
        apps: ['TikTok'],
      },
      expect.objectContaining({ deviceName: 'PHONE-OVD2', state: 'overdue', group: 'federal/justice' }),
    ]);
    const violating = await get<{ findings: FindingSummary[] }>('/api/v1/findings?state=violating');
    expect(violating.body.findings.map((f) => `${f.banId} ${f.deviceName} ${f.state}`)).toEqual([
      `${BAN} PHONE-NEW1 violating`,
      `${BAN} PHONE-NEW2 violating`,
      `${FINANCE_BAN} PHONE-NEW1 violating`,
    ]);
    const justice = await get<{ findings: FindingSummary[] }>(
      `/api/v1/findings?ban=${BAN}&group=federal/justice`,
    );
    expect(justice.body.findings.map((f) => f.deviceName).sort()).toEqual(
      ['PHONE-CLEAN1', 'PHONE-CLEAN4', 'PHONE-CLEAN7', 'PHONE-NEW2', 'PHONE-OVD2'].sort(),
    );

    const walk = async (query: string) => {
      const seen: string[] = [];
      let after: number | string | null = null;
      let pages = 0;
      do {
        const page: {
          status: number;
          body: { findings: FindingSummary[]; nextAfter: number | string | null };
        } = await get(`/api/v1/findings?${query}&limit=4${after === null ? '' : `&after=${after}`}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.findings.map((f) => `${f.banId}/${f.deviceId}`));
        after = page.body.nextAfter;
        if (query.includes('ban=') && after !== null) expect(typeof after).toBe('number');
        if (!query.includes('ban=') && after !== null) expect(typeof after).toBe('string');
        pages++;
      } while (after !== null && pages < 20);
      return seen;
    };
    const all = await get<{ findings: FindingSummary[] }>('/api/v1/findings?limit=500');
    expect(all.body.findings).toHaveLength(30);
    const everyOne = all.body.findings.map((f) => `${f.banId}/${f.deviceId}`);
    expect(await walk('')).toEqual(everyOne);
    expect(await walk(`ban=${FINANCE_BAN}`)).toEqual(everyOne.filter((k) => k.startsWith(`${FINANCE_BAN}/`)));
    expect(new Set(everyOne).size).toBe(30);
  });

  it('refuses a cursor it did not give', async () => {
    for (const query of [`ban=${BAN}&after=abc`, 'after=bm90LWEtY3Vyc29y', 'after=%5B%5D', 'state=late']) {
      const { status, body } = await get<{ error: { code: string } }>(`/api/v1/findings?${query}`);
      expect([query, status, body.error.code]).toEqual([query, 400, 'USAGE']);
    }
  });
});
