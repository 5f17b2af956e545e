import { describe, expect, it } from 'vitest';
import {
  compileBan,
  compileRuntimeException,
  withRuntimeExceptions,
} from '../../src/compliance/engine/compile.js';
import { deadlineFor, evaluateDevice } from '../../src/compliance/engine/evaluate.js';
import { groupInScope, groupWithin, normalizeGroup } from '../../src/compliance/engine/groups.js';
import { formatCalendarDate } from '../../src/lib/dates.js';
import { makeBan } from '../support/bans.js';
import {
  CAPCUT_ANDROID,
  catalog,
  device,
  ms,
  SIGNAL,
  setup,
  TIKTOK_ANDROID,
  TIKTOK_NAME,
} from './fixtures.js';

describe('group paths', () => {
  it('covers a path and its descendants on / boundaries only', () => {
    expect(groupWithin('federal', 'federal')).toBe(true);
    expect(groupWithin('federal/finance', 'federal')).toBe(true);
    expect(groupWithin('federal/finance/it', 'federal/finance')).toBe(true);
    expect(groupWithin('federalist', 'federal')).toBe(false);
    expect(groupWithin('federal-finance', 'federal')).toBe(false);
    expect(groupWithin('fed', 'federal')).toBe(false);
  });

  it('normalises slashes and case', () => {
    expect(normalizeGroup('/Federal//Finance/ ')).toBe('federal/finance');
  });

  it('takes every device when nothing is included, and lets excludes win', () => {
    expect(groupInScope(undefined, [], [])).toBe(true);
    expect(groupInScope(undefined, ['federal'], [])).toBe(false);
    expect(groupInScope('federal/ccb', ['federal'], ['federal/ccb'])).toBe(false);
    expect(groupInScope('federal/ccbx', ['federal'], ['federal/ccb'])).toBe(true);
  });
});

describe('scope: ownership × groups × platform', () => {
  const at = ms('2023-04-01T12:00:00Z');
  const { ban, id } = setup({
    scope: {
      ownership: ['owned', 'paid'],
      groups: { include: ['federal'], exclude: ['federal/ccb'] },
      platforms: ['android', 'ios'],
    },
  });
  const tiktok = id(TIKTOK_ANDROID);
  const cases: [string, string, string, string][] = [
    // ownership, group, platform, expected
    ['owned', 'federal/finance', 'android', 'violating'],
    ['paid', 'federal', 'ios', 'violating'],
    ['byod', 'federal/finance', 'android', 'not-in-scope'],
    ['unknown', 'federal/finance', 'android', 'not-in-scope'],
    ['owned', 'federalist', 'android', 'not-in-scope'],
    ['owned', 'regional/flanders', 'android', 'not-in-scope'],
    ['owned', 'federal/ccb/research', 'android', 'not-in-scope'],
    ['owned', 'federal/finance', 'windows', 'not-in-scope'],
    ['owned', 'federal/finance', 'unknown', 'not-in-scope'],
  ];
  it.each(cases)('%s device in %s on %s is %s', (ownership, group, platform, expected) => {
    const finding = evaluateDevice(device({ ownership, group, platform }, at - 3600_000, [tiktok]), ban, at);
    expect(finding.state).toBe(expected);
  });

  it('a device with no group is out of a ban that includes groups, in one that includes none', () => {
    const withoutGroup = device({ group: undefined }, at - 1000, [tiktok]);
    expect(evaluateDevice(withoutGroup, ban, at).reason).toBe('group');
    const everywhere = setup({
      scope: { ownership: ['owned'], groups: { include: [], exclude: [] }, platforms: 'all' },
    });
    const d = device({ group: undefined }, at - 1000, [everywhere.id(TIKTOK_ANDROID)]);
    expect(evaluateDevice(d, everywhere.ban, at).state).toBe('violating');
  });
});

describe('the ban period', () => {
  const { ban, id } = setup({ period: { start: '2023-03-10', end: '2023-09-30' } });
  const d = (at: number) => device({}, at - 1000, [id(TIKTOK_ANDROID)]);
  it('is not in force before its start day', () => {
    const at = ms('2023-03-09T23:59:59Z');
    expect(evaluateDevice(d(at), ban, at)).toMatchObject({
      state: 'not-in-scope',
      reason: 'ban-not-started',
    });
    expect(evaluateDevice(d(ms('2023-03-10')), ban, ms('2023-03-10')).state).not.toBe('not-in-scope');
  });
  it('covers its whole end day and stops after it', () => {
    expect(evaluateDevice(d(ms('2023-09-30T23:59:59Z')), ban, ms('2023-09-30T23:59:59Z')).state).not.toBe(
      'not-in-scope',
    );
    expect(evaluateDevice(d(ms('2023-10-01')), ban, ms('2023-10-01')).reason).toBe('ban-ended');
  });
});

describe('matching', () => {
  const at = ms('2023-03-11T10:00:00Z');
  it('marks display-name matches as name-based and lists each app once', () => {
    const { ban, id } = setup({ targets: [{ app: 'tiktok', includeUnconfirmed: false }] });
    const finding = evaluateDevice(
      device({}, at, [id(TIKTOK_NAME), id(TIKTOK_ANDROID), id(SIGNAL)]),
      ban,
      at,
    );
    expect(finding.state).toBe('violating');
    expect(finding.matched.map((m) => [m.appId, m.kind, m.nameBased])).toEqual([
      ['tiktok', 'package', false],
      ['tiktok', 'display-name', true],
    ]);
  });
  it('folds case and matches a catalog alias by name', () => {
    const { ban, apps } = setup();
    const alias = apps.intern('display-name\u0000musical.ly');
    const upper = apps.intern('package\u0000com.zhiliaoapp.musically');
    expect(evaluateDevice(device({}, at, [alias]), ban, at).matched[0]?.nameBased).toBe(true);
    expect(evaluateDevice(device({}, at, [upper]), ban, at).state).toBe('violating');
  });
  it('bans only what the targets name', () => {
    const { ban, id } = setup();
    expect(evaluateDevice(device({}, at, [id(CAPCUT_ANDROID), id(SIGNAL)]), ban, at).state).toBe('compliant');
    const publisher = setup({ targets: [{ publisher: 'bytedance', includeUnconfirmed: false }] });
    const finding = evaluateDevice(device({}, at, [publisher.id(CAPCUT_ANDROID)]), publisher.ban, at);
    expect(finding.matched.map((m) => m.appId)).toEqual(['capcut']);
  });
  it("a target's platforms limit where its identifiers count", () => {
    const { ban, id } = setup({
      targets: [{ app: 'tiktok', platforms: ['ios'], includeUnconfirmed: false }],
    });
    const name = id(TIKTOK_NAME);
    expect(evaluateDevice(device({ platform: 'android' }, at, [name]), ban, at).state).toBe('compliant');
    expect(evaluateDevice(device({ platform: 'ios' }, at, [name]), ban, at).state).toBe('violating');
  });
});

describe('inventory freshness and coverage', () => {
  const { ban, id } = setup();
  const at = ms('2023-05-01T12:00:00Z');
  const day = 86_400_000;
  it('calls a device unknown when its newest inventory is older than the staleness window', () => {
    expect(evaluateDevice(device({}, at - 7 * day, []), ban, at).state).toBe('compliant');
    expect(evaluateDevice(device({}, at - 7 * day - 1, []), ban, at)).toMatchObject({
      state: 'unknown',
      reason: 'stale',
    });
    expect(evaluateDevice(device({}, at - 7 * day - 1, [id(TIKTOK_ANDROID)]), ban, at).state).toBe('unknown');
    expect(evaluateDevice(device({}, at - 3 * day, []), ban, at, { stalenessMs: 2 * day }).state).toBe(
      'unknown',
    );
  });
  it('never calls a device unknown-inventoried compliant', () => {
    const never = device({}, Number.NaN, [], { fullAt: Number.NaN });
    expect(evaluateDevice(never, ban, at)).toMatchObject({ state: 'unknown', reason: 'no-inventory' });
  });
  it('lets a partial inventory show a violation but not prove its absence', () => {
    const partialOnly = device({}, at - day, [], { fullAt: Number.NaN });
    expect(evaluateDevice(partialOnly, ban, at)).toMatchObject({ state: 'unknown', reason: 'partial-only' });
    const partialHit = device({}, at - day, [id(TIKTOK_ANDROID)], { fullAt: Number.NaN });
    expect(evaluateDevice(partialHit, ban, at).state).toBe('overdue');
    const staleFull = device({}, at - day, [], { fullAt: at - 10 * day });
    expect(evaluateDevice(staleFull, ban, at).state).toBe('unknown');
  });
});

describe('deadlines', () => {
  it('counts the removal period from the ban start, and the last day is allowed', () => {
    const { ban, id } = setup({ removal: { deadline: 'P30D' } });
    expect(formatCalendarDate(deadlineFor(ban, null))).toBe('2023-04-09');
    const d = (at: number) => device({}, at - 1000, [id(TIKTOK_ANDROID)]);
    const lastDay = ms('2023-04-09T23:59:59Z');
    expect(evaluateDevice(d(lastDay), ban, lastDay).state).toBe('violating');
    const after = ms('2023-04-10');
    const late = evaluateDevice(d(after), ban, after);
    expect(late.state).toBe('overdue');
    expect(formatCalendarDate(late.deadline ?? 0)).toBe('2023-04-09');
  });
  it('counts from the day a device entered scope when that is later', () => {
    const { ban, id } = setup({ removal: { deadline: 'P30D' } });
    const entered = ms('2023-05-20T15:30:00Z');
    const at = ms('2023-06-10');
    const finding = evaluateDevice(device({}, at - 1000, [id(TIKTOK_ANDROID)]), ban, at, { entered });
    expect(finding.state).toBe('violating');
    expect(formatCalendarDate(finding.deadline ?? 0)).toBe('2023-06-19');
    expect(formatCalendarDate(deadlineFor(ban, ms('2023-01-01')))).toBe('2023-04-09');
  });
  it('gives a P0D ban the rest of the day', () => {
    const { ban, id } = setup({ removal: { deadline: 'P0D' } });
    const at = ms('2023-03-10T20:00:00Z');
    expect(evaluateDevice(device({}, at, [id(TIKTOK_ANDROID)]), ban, at).state).toBe('violating');
    const next = ms('2023-03-11T00:00:00Z');
    expect(evaluateDevice(device({}, next, [id(TIKTOK_ANDROID)]), ban, next).state).toBe('overdue');
  });
});

describe('exceptions', () => {
  const exceptions = [
    {
      id: 'ccb-research',
      subjects: { group: 'federal/ccb' },
      reason: 'security-research',
      approvedBy: 'CCB director',
      starts: '2023-04-01',
      expires: '2023-06-30',
    },
  ];
  const { ban, id } = setup({ exceptions });
  const d = (at: number, group = 'federal/ccb/lab') => device({ group }, at - 1000, [id(TIKTOK_ANDROID)]);
  it('covers from its start day to the end of its expiry day', () => {
    const cases: [string, string][] = [
      ['2023-03-31T23:59:59Z', 'violating'],
      ['2023-04-01T00:00:00Z', 'excepted'],
      ['2023-06-30T23:59:59Z', 'excepted'],
      ['2023-07-01T00:00:00Z', 'overdue'],
    ];
    for (const [iso, state] of cases)
      expect([iso, evaluateDevice(d(ms(iso)), ban, ms(iso)).state]).toEqual([iso, state]);
    expect(evaluateDevice(d(ms('2023-05-01')), ban, ms('2023-05-01')).exceptionId).toBe('ccb-research');
  });
  it('covers the named group only on path boundaries', () => {
    expect(evaluateDevice(d(ms('2023-05-01'), 'federal/ccbx'), ban, ms('2023-05-01')).state).toBe('overdue');
  });
  it('matches runtime exceptions by device id and holder, each given subject required', () => {
    const runtime = compileRuntimeException({
      id: 'x-1',
      subjects: { devices: ['SERIAL-7'], holders: ['Alice@Example.org'] },
      startsAt: null,
      expiresAt: ms('2024-01-01'),
      revokedAt: ms('2023-05-15'),
    });
    const banWith = withRuntimeExceptions(ban, [runtime]);
    const at = ms('2023-05-01');
    const alice = device({ holder: 'alice@example.org', group: 'federal/x' }, at, [id(TIKTOK_ANDROID)], {
      tokens: ['1', 'serial-7'],
    });
    expect(evaluateDevice(alice, banWith, at).state).toBe('excepted');
    expect(evaluateDevice({ ...alice, tokens: ['1'] }, banWith, at).state).toBe('overdue');
    const later = ms('2023-05-15');
    expect(evaluateDevice({ ...alice, observedAt: later, fullAt: later }, banWith, later).state).toBe(
      'overdue',
    );
  });
  it('an exception with no subject covers nothing', () => {
    const none = compileBan(
      makeBan({
        exceptions: [{ id: 'empty', subjects: {}, reason: 'r', approvedBy: 'a', expires: '2030-01-01' }],
      }),
      1,
      catalog,
      setup().apps,
    );
    expect(evaluateDevice(device({}, ms('2023-05-01'), []), none, ms('2023-05-01')).state).toBe('compliant');
  });
});
