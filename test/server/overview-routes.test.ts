import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { registerOverviewRoutes } from '../../src/server/routes/overview.routes.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';
import {
  appWith,
  BAN,
  contextOver,
  DAY,
  FINANCE_BAN,
  ms,
  NOW,
  SIGNAL,
  snap,
  TIKTOK,
  weekly,
} from './routes-harness.js';

const iso = (t: number) => new Date(t).toISOString();

interface Counts {
  inScope: number;
  compliant: number;
  violating: number;
  overdue: number;
  excepted: number;
  unknown: number;
}
interface Overview {
  at: string;
  bans: Array<{
    id: string;
    title: string;
    revision: number;
    counts: Counts;
    topOverdueGroups: Array<{ group: string | null; overdue: number }>;
  }>;
  upcoming: Array<{
    kind: string;
    at: string;
    banId: string;
    title: string;
    detail: string;
    exceptionId?: string;
  }>;
}
interface Trend {
  banId: string;
  points: Array<{ at: string; counts: Counts }>;
}

describeEachDialect('overview routes', ({ store }) => {
  let context: AppContext;
  let app: FastifyInstance;

  beforeEach(async () => {
    context = contextOver(store());
    // Review and minimum end 2023-09-10 (within 90 days), end 2023-12-31 (beyond).
    await context.compliance.applyBan(
      makeBan({
        removal: { deadline: 'P30D' },
        period: { start: '2023-03-10', minimum: 'P6M', review: '2023-09-10', end: '2023-12-31' },
      }),
      { appliedBy: 'test', at: ms('2023-03-01') },
    );
    const finance = makeBan({
      id: FINANCE_BAN,
      title: 'TikTok in finance',
      scope: {
        ownership: ['owned', 'paid'],
        groups: { include: ['federal/finance'], exclude: [] },
        platforms: 'all',
      },
      period: { start: '2023-03-10', review: '2023-05-01', end: '2023-08-31' },
    });
    await context.compliance.applyBan(finance, { appliedBy: 'test', at: ms('2023-03-01') });
    await context.compliance.applyBan(
      { ...finance, period: { ...finance.period, review: '2023-07-15' } },
      { appliedBy: 'test', at: ms('2023-06-01') },
    );
    await context.compliance.ingest([
      ...weekly('OVD1', '2023-03-01', [TIKTOK, SIGNAL]),
      ...weekly('OVD2', '2023-03-01', [TIKTOK], { group: 'federal/justice' }),
      ...weekly('OVD3', '2023-03-01', [TIKTOK], { group: 'federal/justice/it' }),
      ...weekly('OVD4', '2023-03-01', [TIKTOK], { group: 'federal/justice' }),
      // Removed in May: violating, then compliant.
      ...weekly('FIXED', '2023-03-01', [SIGNAL]).map((s) =>
        s.observedAt < '2023-05-10' ? { ...s, apps: [TIKTOK] } : s,
      ),
      // Entered scope on 2023-06-20 (two devices) and 2023-06-22: deadlines 2023-07-20 and 2023-07-22.
      ...weekly('NEW1', '2023-06-20', [TIKTOK], { group: 'federal/justice' }),
      ...weekly('NEW2', '2023-06-20', [TIKTOK], { group: 'federal/justice' }),
      ...weekly('NEW3', '2023-06-22', [TIKTOK], { group: 'federal/justice' }),
      snap('STALE1', '2023-05-01', [SIGNAL]),
      ...Array.from({ length: 6 }, (_, k) =>
        weekly(`CLEAN${k}`, '2023-03-01', [SIGNAL], { group: k % 2 ? 'federal/finance' : 'regional/x' }),
      ).flat(),
    ]);
    const exception = (id: string, expires: string, approved: boolean) =>
      context.exceptions.request(
        {
          id,
          banId: BAN,
          subjects: { devices: ['NO-SUCH-DEVICE'] },
          reason: 'security-research',
          expiresAt: ms(expires),
          ...(approved ? { approvedBy: 'ciso' } : {}),
        },
        'test',
      );
    await exception('lab-soon', '2023-07-10', true);
    await exception('lab-later', '2023-09-01', true);
    await exception('lab-requested', '2023-07-05', false);
    app = appWith(context, registerOverviewRoutes);
  });
  afterEach(async () => {
    await app.close();
  });

  const get = async <T>(url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as T };
  };

  it("gives every ban the report's counts and its groups with the most overdue devices", async () => {
    const { status, body } = await get<Overview>('/api/v1/overview');
    expect(status).toBe(200);
    expect(body.at).toBe(iso(NOW));
    const report = await context.compliance.report({ at: NOW });
    expect(body.bans.map((b) => [b.id, b.title, b.revision, b.counts])).toEqual(
      report.bans.map((b) => [b.id, b.title, b.revision, b.counts]),
    );
    expect(body.bans.map((b) => b.revision)).toEqual([1, 2]);
    const federal = body.bans.find((b) => b.id === BAN);
    expect(federal?.counts).toMatchObject({ overdue: 4, violating: 3, unknown: 1 });
    expect(federal?.topOverdueGroups).toEqual([
      { group: 'federal/justice', overdue: 2 },
      { group: 'federal/finance', overdue: 1 },
      { group: 'federal/justice/it', overdue: 1 },
    ]);
    expect(body.bans.find((b) => b.id === FINANCE_BAN)?.topOverdueGroups).toEqual([
      { group: 'federal/finance', overdue: 1 },
    ]);
  });

  it('lists what comes within 90 days, sorted by time', async () => {
    const { body } = await get<Overview>('/api/v1/overview');
    const ats = body.upcoming.map((u) => u.at);
    expect(ats).toEqual([...ats].sort());
    expect(body.upcoming.map((u) => `${u.at.slice(0, 10)} ${u.kind} ${u.banId}`)).toEqual([
      `2023-07-10 exception-expiry ${BAN}`,
      `2023-07-15 review ${FINANCE_BAN}`,
      `2023-07-20 deadline ${BAN}`,
      `2023-08-31 ban-end ${FINANCE_BAN}`,
      `2023-09-10 review ${BAN}`,
      `2023-09-10 minimum-end ${BAN}`,
    ]);
    const deadline = body.upcoming.find((u) => u.kind === 'deadline');
    expect(deadline?.detail).toMatch(/^2 devices /);
    expect(deadline?.title).toBe('TikTok on federal government devices');
    expect(body.upcoming[0]).toMatchObject({
      exceptionId: 'lab-soon',
      detail: expect.stringContaining('lab-soon'),
    });
  });

  it('gives the counts over time, the same as the report at each point', async () => {
    const { status, body } = await get<Trend>(`/api/v1/reports/trend?ban=${BAN}`);
    expect(status).toBe(200);
    expect(body.banId).toBe(BAN);
    expect(body.points).toHaveLength(30);
    const times = body.points.map((p) => Date.parse(p.at));
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1] as number);
    // Sixty days back: the history begins earlier (2023-03-01).
    expect(body.points[0]?.at).toBe(iso(NOW - 60 * DAY));
    expect(body.points.at(-1)?.at).toBe(iso(NOW));
    for (const k of [0, 7, 15, 29]) {
      const point = body.points[k];
      const report = await context.compliance.report({ at: Date.parse(point?.at ?? ''), banId: BAN });
      expect(point?.counts).toEqual(report.bans[0]?.counts);
    }

    const span = await get<Trend>(`/api/v1/reports/trend?ban=${BAN}&from=2023-03-01&to=2023-06-30&points=9`);
    expect(span.body.points.map((p) => p.at)[0]).toBe('2023-03-01T00:00:00.000Z');
    expect(span.body.points.at(-1)?.at).toBe('2023-06-30T23:59:59.999Z');
    expect(span.body.points).toHaveLength(9);
    for (const point of span.body.points) {
      const report = await context.compliance.report({ at: Date.parse(point.at), banId: BAN });
      expect({ at: point.at, counts: point.counts }).toEqual({
        at: point.at,
        counts: report.bans[0]?.counts,
      });
    }
    // The violations rise, then turn overdue once the deadline has passed.
    expect(span.body.points[0]?.counts.violating).toBe(0);
    expect(span.body.points.some((p) => p.counts.violating >= 5)).toBe(true);
    expect(span.body.points.at(-1)?.counts.overdue).toBe(4);

    const one = await get<Trend>(`/api/v1/reports/trend?ban=${BAN}&points=1`);
    expect(one.body.points.map((p) => p.at)).toEqual([iso(NOW)]);
  });

  it('starts the default trend at the first finding when the history is younger than 60 days', async () => {
    // The first inventories (2023-03-01T09:00) are 19 days before `to`.
    const { body } = await get<Trend>(`/api/v1/reports/trend?ban=${BAN}&to=2023-03-20&points=4`);
    expect(body.points.map((p) => p.at)).toEqual([
      '2023-03-01T09:00:00.000Z',
      '2023-03-07T22:00:00.000Z',
      '2023-03-14T10:59:59.999Z',
      '2023-03-20T23:59:59.999Z',
    ]);
  });

  it('refuses a bad trend query and answers 404 for an unknown ban', async () => {
    const unknown = await get<{ error: { code: string } }>('/api/v1/reports/trend?ban=no-such-ban');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const query of [
      '',
      `ban=${BAN}&points=0`,
      `ban=${BAN}&points=121`,
      `ban=${BAN}&from=2023-06-01&to=2023-05-01`,
      `ban=${BAN}&from=yesterday`,
      `ban=${BAN}&group=federal`,
    ]) {
      const { status, body } = await get<{ error: { code: string } }>(`/api/v1/reports/trend?${query}`);
      expect([query, status, body.error.code]).toEqual([query, 400, 'USAGE']);
    }
  });
});
