import { expect, it } from 'vitest';
import type { Ban } from '../../src/bans/ban.types.js';
import { createComplianceService } from '../../src/compliance/compliance.service.js';
import type { HistoryEvidence } from '../../src/compliance/history/evidence.js';
import type { ComplianceReport } from '../../src/compliance/report/report.types.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../../src/inventory/snapshot.types.js';
import { createException } from '../../src/store/exception.repository.js';
import type { Store } from '../../src/store/store.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';
import { catalog, ms } from './fixtures.js';

const DAY = 86_400_000;
const TIKTOK: ObservedApp = { kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok' };
const SIGNAL: ObservedApp = { kind: 'package', value: 'org.thoughtcrime.securesms', name: 'Signal' };
const TIKTOK_BY_NAME: ObservedApp = { kind: 'display-name', value: 'TikTok' };

function snap(
  serial: string,
  at: string,
  apps: ObservedApp[],
  device: Partial<ObservedDevice> = {},
): InventorySnapshot {
  const observed: ObservedDevice = {
    sourceDeviceId: `enterprises/e1/devices/${serial}`,
    serial,
    name: `PHONE-${serial}`,
    holder: `${serial.toLowerCase()}@gov.example`,
    platform: 'android',
    ownership: 'owned',
    group: 'federal/finance',
    ...device,
  };
  if (serial === 'NOGROUP') delete observed.group;
  return {
    source: 'android-management',
    observedAt: at.length === 10 ? `${at}T09:00:00Z` : at,
    coverage: 'full',
    apps,
    device: observed,
  };
}

/** Inventories every `every` days from `from` to `to` (inclusive), apps chosen per day. */
function series(
  serial: string,
  from: string,
  to: string,
  apps: (day: string) => ObservedApp[],
  device: (day: string) => Partial<ObservedDevice> = () => ({}),
  every = 5,
): InventorySnapshot[] {
  const out: InventorySnapshot[] = [];
  for (let t = ms(from); t <= ms(to); t += every * DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(snap(serial, day, apps(day), device(day)));
  }
  return out;
}

function service(store: Store, clock = '2023-06-30T12:00:00Z') {
  return createComplianceService({ db: store.db, catalog, now: () => ms(clock) });
}

const ban = (overrides: Partial<Ban> = {}) => makeBan({ removal: { deadline: 'P30D' }, ...overrides });

function stateOf(report: ComplianceReport, serial: string, banId = 'be-federal-tiktok-2023'): string {
  const finding = report.findings.find((f) => f.deviceName === `PHONE-${serial}` && f.banId === banId);
  return finding ? `${finding.state} ${finding.deadline}` : 'no violation';
}

async function historyOf(store: Store, serial: string) {
  const device = await store.db
    .selectFrom('devices')
    .select('id')
    .where('serial', '=', serial)
    .executeTakeFirstOrThrow();
  const rows = await store.db
    .selectFrom('finding_history')
    .selectAll()
    .where('device_id', '=', device.id)
    .orderBy('ban_id')
    .orderBy('at')
    .execute();
  return rows.map((row) => {
    const e = JSON.parse(row.evidence) as HistoryEvidence;
    return `${new Date(row.at).toISOString()} ${row.ban_id} r${row.revision} ${e.state} since=${new Date(e.since).toISOString().slice(0, 10)} deadline=${e.deadline === null ? '-' : new Date(e.deadline).toISOString().slice(0, 10)} group=${e.group}`;
  });
}

describeEachDialect('compliance service', ({ store }) => {
  it('follows deadlines, overdue, removal, staleness and a device leaving scope, and answers any past day', async () => {
    const s = service(store());
    await s.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    // A: TikTok until late April. B: never. C: TikTok, moves out of federal on 2023-04-02.
    // D: stops reporting after 2023-05-01.
    await s.ingest([
      ...series('A', '2023-03-01', '2023-06-29', (d) => (d < '2023-04-20' ? [TIKTOK, SIGNAL] : [SIGNAL])),
      ...series('B', '2023-03-01', '2023-06-29', () => [SIGNAL]),
      ...series(
        'C',
        '2023-03-01',
        '2023-06-29',
        () => [TIKTOK],
        (d) => ({ group: d < '2023-04-02' ? 'federal/justice' : 'regional/brussels' }),
      ),
      ...series('D', '2023-03-01', '2023-05-01', () => [SIGNAL]),
    ]);

    const march = await s.report({ at: ms('2023-03-25') });
    expect(march.bans).toHaveLength(1);
    expect(march.bans[0]?.counts).toEqual({
      inScope: 4,
      compliant: 2,
      violating: 2,
      overdue: 0,
      excepted: 0,
      unknown: 0,
    });
    expect(stateOf(march, 'A')).toBe('violating 2023-04-09');
    expect(stateOf(march, 'C')).toBe('violating 2023-04-09');
    expect(march.findings.find((f) => f.deviceName === 'PHONE-A')).toMatchObject({
      holder: 'a@gov.example',
      group: 'federal/finance',
      apps: ['TikTok'],
      since: '2023-03-10T00:00:00.000Z',
    });

    // A day between two changes: A is overdue since 10 April, C left scope on 2 April.
    const april = await s.report({ at: ms('2023-04-15') });
    expect(stateOf(april, 'A')).toBe('overdue 2023-04-09');
    expect(stateOf(april, 'C')).toBe('no violation');
    expect(april.bans[0]?.counts).toMatchObject({ inScope: 3, overdue: 1, compliant: 2 });

    const may = await s.report({ at: ms('2023-05-20') });
    expect(may.findings).toEqual([]);
    // D's last inventory (2023-04-30T09:00) went stale seven days later.
    expect(may.bans[0]?.counts).toEqual({
      inScope: 3,
      compliant: 2,
      violating: 0,
      overdue: 0,
      excepted: 0,
      unknown: 1,
    });
    const live = await s.report();
    expect(live.at).toBe('2023-06-30T12:00:00.000Z');
    expect(live.bans[0]?.counts).toEqual(may.bans[0]?.counts);
    expect(live.bans[0]?.groups.map((g) => [g.group, g.counts.inScope])).toEqual([['federal/finance', 3]]);

    expect(await historyOf(store(), 'C')).toEqual([
      '2023-03-01T09:00:00.000Z be-federal-tiktok-2023 r1 not-in-scope since=2023-03-01 deadline=- group=federal/justice',
      '2023-03-10T00:00:00.000Z be-federal-tiktok-2023 r1 violating since=2023-03-10 deadline=2023-04-09 group=federal/justice',
      '2023-04-05T09:00:00.000Z be-federal-tiktok-2023 r1 not-in-scope since=2023-04-05 deadline=- group=regional/brussels',
    ]);
  });

  it('places inventories that arrive out of time order, giving the history in-order ingestion gives', async () => {
    const s = service(store());
    await s.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    const story = (serial: string) =>
      series(
        serial,
        '2023-02-20',
        '2023-06-25',
        (d) => (d < '2023-03-20' || (d >= '2023-05-01' && d < '2023-06-10') ? [TIKTOK] : [SIGNAL]),
        (d) => ({ group: d >= '2023-04-10' && d < '2023-04-25' ? 'regional/x' : 'federal/finance' }),
      );
    for (const snapshot of story('INORDER')) await s.ingest([snapshot]);
    // The same story for another phone: newest first, then the rest scrambled.
    const scrambled = story('LATE');
    const order = [...scrambled.keys()].sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || b - a);
    for (const k of order) await s.ingest([scrambled[k] as InventorySnapshot]);

    const inOrder = (await historyOf(store(), 'INORDER')).map((line) => line.replace('INORDER', ''));
    const late = await historyOf(store(), 'LATE');
    expect(late).toEqual(inOrder);
    expect(inOrder.some((line) => line.includes('overdue'))).toBe(true);
    expect(inOrder.some((line) => line.includes('group=regional/x'))).toBe(true);
    const report = await s.report({ at: ms('2023-05-10') });
    expect(stateOf(report, 'INORDER')).toBe(stateOf(report, 'LATE'));
  });

  it('applies a revision that narrows scope from the moment it is applied', async () => {
    const s = service(store());
    await s.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    await s.ingest([
      ...series('F', '2023-03-01', '2023-06-29', () => [TIKTOK]),
      ...series(
        'J',
        '2023-03-01',
        '2023-06-29',
        () => [TIKTOK],
        () => ({ group: 'federal/justice' }),
      ),
    ]);
    const narrowed = ban({
      scope: {
        ownership: ['owned', 'paid'],
        groups: { include: ['federal'], exclude: ['federal/finance'] },
        platforms: 'all',
      },
    });
    const applied = ms('2023-05-15T10:00:00Z');
    const result = await s.applyBan(narrowed, { appliedBy: 'ccb', at: applied });
    expect(result).toMatchObject({ status: 'revised', revision: 2, previousRevision: 1 });
    expect(result.changedFields).toContain('scope.groups.exclude');
    expect(result.before).toMatchObject({ inScope: 2, overdue: 2 });
    expect(result.after).toMatchObject({ inScope: 1, overdue: 1 });

    const before = await s.report({ at: applied - 1 });
    expect(before.bans[0]?.revision).toBe(1);
    expect(stateOf(before, 'F')).toBe('overdue 2023-04-09');
    const after = await s.report({ at: applied });
    expect(after.bans[0]?.revision).toBe(2);
    expect(stateOf(after, 'F')).toBe('no violation');
    expect(stateOf(after, 'J')).toBe('overdue 2023-04-09');
    // Applying the same document again changes nothing.
    expect((await s.applyBan(narrowed, { appliedBy: 'ccb' })).status).toBe('unchanged');
  });

  it('honours exceptions from the ban file and from the store, from their start to the end of their expiry day', async () => {
    const s = service(store());
    await s.applyBan(
      ban({
        exceptions: [
          {
            id: 'ccb-lab',
            subjects: { group: 'federal/ccb/research' },
            reason: 'security-research',
            approvedBy: 'CCB director',
            starts: '2023-03-20',
            expires: '2023-04-30',
          },
        ],
      }),
      { appliedBy: 'ccb', at: ms('2023-03-01') },
    );
    await s.ingest([
      ...series(
        'LAB',
        '2023-03-01',
        '2023-06-29',
        () => [TIKTOK],
        () => ({ group: 'federal/ccb/research/mobile' }),
      ),
      ...series('X', '2023-03-01', '2023-06-29', () => [TIKTOK]),
    ]);
    expect(stateOf(await s.report({ at: ms('2023-03-15') }), 'LAB')).toBe('violating 2023-04-09');
    const during = await s.report({ at: ms('2023-04-30T23:59:59Z') });
    expect(stateOf(during, 'LAB')).toBe('no violation');
    expect(during.bans[0]?.counts.excepted).toBe(1);
    // When the exception ends, the removal period starts again from that day.
    expect(stateOf(await s.report({ at: ms('2023-05-01') }), 'LAB')).toBe('violating 2023-05-31');
    expect(stateOf(await s.report({ at: ms('2023-06-01') }), 'LAB')).toBe('overdue 2023-05-31');

    // A runtime exception for X, approved now, covering from 1 June to 15 June.
    await createException(store().db, {
      id: 'x-investigation',
      banId: 'be-federal-tiktok-2023',
      subjects: { devices: ['x'] },
      reason: 'law-enforcement',
      approvedBy: 'director',
      startsAt: ms('2023-06-01'),
      expiresAt: ms('2023-06-16'),
      createdAt: ms('2023-06-30'),
    });
    await s.reevaluate({ banIds: ['be-federal-tiktok-2023'], from: ms('2023-06-01') });
    expect(stateOf(await s.report({ at: ms('2023-05-31') }), 'X')).toBe('overdue 2023-04-09');
    expect(stateOf(await s.report({ at: ms('2023-06-10') }), 'X')).toBe('no violation');
    expect(stateOf(await s.report({ at: ms('2023-06-16') }), 'X')).toBe('violating 2023-07-16');
  });

  it('decides scope by ownership, groups and platform, and counts per group', async () => {
    const s = service(store());
    await s.applyBan(
      ban({
        scope: {
          ownership: ['owned', 'paid'],
          groups: { include: ['federal'], exclude: ['federal/ccb'] },
          platforms: ['android', 'ios'],
        },
      }),
      { appliedBy: 'ccb', at: ms('2023-03-01') },
    );
    const at = '2023-06-28';
    const cases: [string, Partial<ObservedDevice>, boolean][] = [
      ['OWNED', { ownership: 'owned' }, true],
      ['PAID', { ownership: 'paid', group: 'federal' }, true],
      ['BYOD', { ownership: 'byod' }, false],
      ['UNKNOWN', { ownership: 'unknown' }, false],
      ['FEDERALIST', { group: 'federalist' }, false],
      ['CCB', { group: 'federal/ccb/ops' }, false],
      ['NOGROUP', {}, false],
      ['IOS', { platform: 'ios' }, true],
      ['WINDOWS', { platform: 'windows' }, false],
    ];
    await s.ingest(cases.map(([serial, device]) => snap(serial, at, [TIKTOK, TIKTOK_BY_NAME], device)));
    const report = await s.report();
    for (const [serial, , inScope] of cases) {
      expect([serial, stateOf(report, serial) !== 'no violation']).toEqual([serial, inScope]);
    }
    // First seen on 28 June: each device has thirty days from then.
    expect(report.findings.every((f) => f.state === 'violating' && f.deadline === '2023-07-28')).toBe(true);
    expect(report.bans[0]?.groups.map((g) => [g.group, g.counts.violating])).toEqual([
      ['federal', 1],
      ['federal/finance', 2],
    ]);
    const narrowedByGroup = await s.report({ group: 'Federal/Finance' });
    expect(narrowedByGroup.bans[0]?.counts.inScope).toBe(2);
    expect(narrowedByGroup.findings.map((f) => f.deviceName).sort()).toEqual(['PHONE-IOS', 'PHONE-OWNED']);
  });

  it('calls a device unknown when its inventory is stale or only partial, and marks name matches', async () => {
    const s = service(store());
    await s.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    await s.ingest([
      snap('FRESH', '2023-06-25', [SIGNAL]),
      snap('STALE', '2023-06-20', [SIGNAL]),
      { ...snap('PARTIAL', '2023-06-29', [SIGNAL]), coverage: 'partial' },
      { ...snap('NAMED', '2023-06-29', [TIKTOK_BY_NAME]), coverage: 'partial' },
    ]);
    const report = await s.report();
    expect(report.bans[0]?.counts).toEqual({
      inScope: 4,
      compliant: 1,
      violating: 1,
      overdue: 0,
      excepted: 0,
      unknown: 2,
    });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ deviceName: 'PHONE-NAMED', apps: ['TikTok (name match)'] });
    // Seven days after its inventory, STALE was still fresh.
    expect((await s.report({ at: ms('2023-06-27T09:00:00Z') })).bans[0]?.counts.compliant).toBe(2);
  });

  it('sees what another process stored (two server replicas on one database)', async () => {
    const a = service(store());
    const b = service(store());
    await a.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    await a.ingest([snap('R', '2023-05-01', [SIGNAL])]);
    // Replica B stores an inventory with TikTok, under a spelling A has not seen.
    await b.ingest([snap('R', '2023-05-03', [{ kind: 'package', value: 'COM.ZhiliaoApp.Musically' }])]);
    // A receives an older inventory of the same phone and re-derives from it.
    await a.ingest([snap('R', '2023-05-02', [SIGNAL])]);
    expect(stateOf(await a.report({ at: ms('2023-05-04') }), 'R')).toBe('violating 2023-05-31');
    // A revision applied by B reaches A's next ingest.
    await b.applyBan(ban({ removal: { deadline: 'P10D' } }), { appliedBy: 'ccb', at: ms('2023-05-05') });
    await a.ingest([snap('R', '2023-05-06', [TIKTOK])]);
    expect(stateOf(await a.report({ at: ms('2023-05-07') }), 'R')).toBe('violating 2023-05-11');
  });

  it('reports an unknown ban as NOT_FOUND and stores nothing from a bad file', async () => {
    const s = service(store());
    await expect(s.report({ banId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.applyBan(ban(), { appliedBy: 'ccb', at: ms('2023-03-01') });
    await expect(
      s.ingest([snap('GOOD', '2023-06-01', [TIKTOK]), snap('BAD', 'yesterday', [TIKTOK])]),
    ).rejects.toMatchObject({
      code: 'PARSE_ERROR',
    });
    expect(await store().db.selectFrom('snapshots').select('id').execute()).toEqual([]);
    expect(await store().db.selectFrom('finding_history').select('id').execute()).toEqual([]);
  });
});
