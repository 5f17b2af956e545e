import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ban } from '../../src/bans/ban.types.js';
import { compileBan, compileRuntimeException } from '../../src/compliance/engine/compile.js';
import { type DeviceEvidence, evaluateDevice } from '../../src/compliance/engine/evaluate.js';
import { appKey, Interner } from '../../src/compliance/engine/interner.js';
import {
  changeAt,
  deriveTimeline,
  type FindingChange,
  type Observation,
  type RevisionSpan,
} from '../../src/compliance/engine/timeline.js';
import { formatCalendarDate } from '../../src/lib/dates.js';
import { makeBan } from '../support/bans.js';
import { catalog, ms, observation, SIGNAL, TIKTOK_ANDROID } from './fixtures.js';

const DAY = 86_400_000;

function world(overrides: Partial<Ban> = {}) {
  const apps = new Interner();
  const rev1 = compileBan(makeBan({ removal: { deadline: 'P30D' }, ...overrides }), 1, catalog, apps);
  const tiktok = apps.intern(appKey(...TIKTOK_ANDROID));
  const signal = apps.intern(appKey(...SIGNAL));
  return { apps, rev1, tiktok, signal };
}

const brief = (changes: FindingChange[]) =>
  changes.map((c) => ({
    at: new Date(c.at).toISOString(),
    to: c.to,
    since: new Date(c.since).toISOString().slice(0, 10),
    deadline: c.deadline === null ? null : formatCalendarDate(c.deadline),
  }));

function weekly(from: string, to: string, apps: (at: string) => number[], facts = {}): Observation[] {
  const out: Observation[] = [];
  for (let t = ms(from); t <= ms(to); t += 5 * DAY) {
    const iso = new Date(t + 9 * 3600_000).toISOString();
    out.push(observation(iso, apps(iso), facts));
  }
  return out;
}

describe('deriveTimeline', () => {
  it('records the ban start, the violation, the deadline passing and the removal', () => {
    const { rev1, tiktok, signal } = world();
    const observations = weekly('2023-03-01', '2023-04-30', (at) =>
      at < '2023-04-16' ? [tiktok, signal] : [signal],
    );
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
    });
    expect(brief(changes)).toEqual([
      { at: '2023-03-01T09:00:00.000Z', to: 'not-in-scope', since: '2023-03-01', deadline: null },
      { at: '2023-03-10T00:00:00.000Z', to: 'violating', since: '2023-03-10', deadline: '2023-04-09' },
      { at: '2023-04-10T00:00:00.000Z', to: 'overdue', since: '2023-03-10', deadline: '2023-04-09' },
      { at: '2023-04-20T09:00:00.000Z', to: 'compliant', since: '2023-04-20', deadline: null },
      // the last inventory (2023-04-30T09:00) goes stale seven days later
      { at: '2023-05-07T09:00:00.001Z', to: 'unknown', since: '2023-05-07', deadline: null },
    ]);
    expect(changes[1]?.from).toBe('not-in-scope');
    expect(changes[2]?.from).toBe('violating');
  });

  it('answers a day between two changes with the earlier one', () => {
    const { rev1, tiktok } = world();
    const observations = weekly('2023-03-01', '2023-04-30', () => [tiktok]);
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
    });
    expect(changeAt(changes, ms('2023-03-25'))?.to).toBe('violating');
    expect(changeAt(changes, ms('2023-04-09T23:59:59.999Z'))?.to).toBe('violating');
    expect(changeAt(changes, ms('2023-04-10'))?.to).toBe('overdue');
    expect(changeAt(changes, ms('2023-02-01'))).toBeUndefined();
  });

  it('gives a device that enters scope late its own deadline, and resets it when it leaves and returns', () => {
    const { rev1, tiktok } = world();
    const observations = [
      ...weekly('2023-03-01', '2023-04-29', () => [tiktok], { group: 'regional/flanders' }),
      ...weekly('2023-05-01', '2023-05-31', () => [tiktok], { group: 'federal/finance' }),
      ...weekly('2023-06-01', '2023-06-11', () => [tiktok], { group: 'federalist' }),
      ...weekly('2023-06-15', '2023-07-31', () => [tiktok], { group: 'federal/justice' }),
    ];
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
    });
    expect(brief(changes)).toEqual([
      { at: '2023-03-01T09:00:00.000Z', to: 'not-in-scope', since: '2023-03-01', deadline: null },
      { at: '2023-05-01T09:00:00.000Z', to: 'violating', since: '2023-05-01', deadline: '2023-05-31' },
      { at: '2023-06-01T00:00:00.000Z', to: 'overdue', since: '2023-05-01', deadline: '2023-05-31' },
      { at: '2023-06-01T09:00:00.000Z', to: 'not-in-scope', since: '2023-06-01', deadline: null },
      { at: '2023-06-15T09:00:00.000Z', to: 'violating', since: '2023-06-15', deadline: '2023-07-15' },
      { at: '2023-07-16T00:00:00.000Z', to: 'overdue', since: '2023-06-15', deadline: '2023-07-15' },
      { at: '2023-08-06T09:00:00.001Z', to: 'unknown', since: '2023-08-06', deadline: null },
    ]);
  });

  it('follows a revision that narrows scope from the moment it is applied', () => {
    const { apps, rev1, tiktok } = world();
    const narrowed = compileBan(
      makeBan({
        removal: { deadline: 'P30D' },
        scope: {
          ownership: ['owned'],
          groups: { include: ['federal'], exclude: ['federal/finance'] },
          platforms: 'all',
        },
      }),
      2,
      catalog,
      apps,
    );
    const observations = weekly('2023-03-01', '2023-05-30', () => [tiktok]);
    const applied = ms('2023-04-20T14:00:00Z');
    const revisions: RevisionSpan[] = [
      { ban: rev1, effectiveFrom: ms('2023-03-05') },
      { ban: narrowed, effectiveFrom: applied },
    ];
    const changes = deriveTimeline({ tokens: ['1'], observations, revisions });
    const narrowing = changes.find((c) => c.at === applied);
    expect(narrowing).toMatchObject({ from: 'overdue', to: 'not-in-scope', revision: 2, reason: 'group' });
    expect(changeAt(changes, applied - 1)?.to).toBe('overdue');
    // the first revision also governs the time before it was applied
    expect(changeAt(changes, ms('2023-03-12'))).toMatchObject({ to: 'violating', revision: 1 });
  });

  it('restarts the removal period when an exception expires', () => {
    const { rev1, tiktok } = world({
      exceptions: [
        {
          id: 'lab',
          subjects: { group: 'federal/ccb' },
          reason: 'security-research',
          approvedBy: 'CCB director',
          starts: '2023-03-20',
          expires: '2023-04-30',
        },
      ],
    });
    const observations = weekly('2023-03-01', '2023-06-30', () => [tiktok], { group: 'federal/ccb/lab' });
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
    });
    expect(brief(changes).slice(1, 5)).toEqual([
      { at: '2023-03-10T00:00:00.000Z', to: 'violating', since: '2023-03-10', deadline: '2023-04-09' },
      { at: '2023-03-20T00:00:00.000Z', to: 'excepted', since: '2023-03-20', deadline: null },
      { at: '2023-05-01T00:00:00.000Z', to: 'violating', since: '2023-05-01', deadline: '2023-05-31' },
      { at: '2023-06-01T00:00:00.000Z', to: 'overdue', since: '2023-05-01', deadline: '2023-05-31' },
    ]);
    expect(changes[2]?.exceptionId).toBe('lab');
  });

  it('applies runtime exceptions, ending at their revocation', () => {
    const { rev1, tiktok } = world();
    const exception = compileRuntimeException({
      id: 'x',
      subjects: { devices: ['1'] },
      startsAt: ms('2023-03-15'),
      expiresAt: ms('2024-01-01'),
      revokedAt: ms('2023-04-02T10:00:00Z'),
    });
    const observations = weekly('2023-03-01', '2023-04-30', () => [tiktok]);
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
      exceptions: [exception],
    });
    expect(changeAt(changes, ms('2023-03-20'))?.to).toBe('excepted');
    expect(changeAt(changes, ms('2023-04-02T10:00:00Z'))).toMatchObject({
      to: 'violating',
      deadline: ms('2023-05-02'),
    });
  });

  it('lets a partial inventory show a violation, and a later full one clear it', () => {
    const { rev1, tiktok, signal } = world();
    const observations = [
      observation('2023-04-01T08:00:00Z', [signal]),
      observation('2023-04-02T08:00:00Z', [tiktok], {}, 'partial'),
      observation('2023-04-03T08:00:00Z', [signal], {}, 'partial'),
      observation('2023-04-04T08:00:00Z', [signal]),
    ];
    const changes = deriveTimeline({
      tokens: ['1'],
      observations,
      revisions: [{ ban: rev1, effectiveFrom: 0 }],
    });
    expect(changes.map((c) => [new Date(c.at).toISOString().slice(0, 10), c.to])).toEqual([
      ['2023-04-01', 'compliant'],
      ['2023-04-02', 'violating'],
      ['2023-04-04', 'compliant'],
      ['2023-04-11', 'unknown'],
    ]);
  });

  it('gives the same history whatever order the inventories arrive in', () => {
    const { rev1, tiktok, signal } = world();
    const observations = weekly('2023-02-20', '2023-06-30', (at) =>
      at < '2023-05-01' ? [tiktok] : [signal],
    );
    const revisions = [{ ban: rev1, effectiveFrom: 0 }];
    const inOrder = deriveTimeline({ tokens: ['1'], observations, revisions });
    fc.assert(
      fc.property(fc.shuffledSubarray(observations, { minLength: observations.length }), (shuffled) => {
        expect(deriveTimeline({ tokens: ['1'], observations: shuffled, revisions })).toEqual(inOrder);
      }),
      { numRuns: 50 },
    );
  });
});

/** An independent reading of "the evidence as of T", for the property below. */
function evidenceAt(observations: Observation[], at: number): DeviceEvidence {
  const seen = observations.filter((o) => o.observedAt <= at).sort((a, b) => a.observedAt - b.observedAt);
  const lastFull = seen.filter((o) => o.coverage === 'full').at(-1);
  const after = seen.filter(
    (o) => o.coverage === 'partial' && (!lastFull || o.observedAt > lastFull.observedAt),
  );
  const newest = seen.at(-1);
  const facts = Object.assign({ ownership: 'unknown', platform: 'unknown' }, ...seen.map((o) => o.facts));
  return {
    tokens: ['1'],
    facts,
    observedAt: newest?.observedAt ?? Number.NaN,
    fullAt: lastFull?.observedAt ?? Number.NaN,
    apps: [...new Set([...Array.from(lastFull?.apps ?? []), ...after.flatMap((o) => Array.from(o.apps))])],
    snapshotId: newest?.snapshotId ?? null,
  };
}

describe('the timeline agrees with evaluating at any instant', () => {
  const { apps, rev1, tiktok, signal } = world({
    exceptions: [
      {
        id: 'e',
        subjects: { group: 'federal/ccb' },
        reason: 'r',
        approvedBy: 'a',
        starts: '2023-04-01',
        expires: '2023-04-20',
      },
    ],
  });
  const rev2 = compileBan(
    makeBan({
      removal: { deadline: 'P10D' },
      scope: { ownership: ['owned'], groups: { include: [], exclude: [] }, platforms: 'all' },
    }),
    2,
    catalog,
    apps,
  );
  const arbObservation = fc.record({
    day: fc.integer({ min: 0, max: 120 }),
    hour: fc.integer({ min: 0, max: 23 }),
    tiktok: fc.boolean(),
    full: fc.boolean(),
    group: fc.constantFrom('federal/finance', 'federal/ccb/lab', 'regional', undefined),
    ownership: fc.constantFrom('owned', 'byod'),
  });
  it('holds for random histories', () => {
    fc.assert(
      fc.property(
        fc.array(arbObservation, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 150 }),
        fc.array(fc.integer({ min: 0, max: 150 * 24 }), { minLength: 1, maxLength: 20 }),
        (raw, revisionDay, probes) => {
          const base = ms('2023-03-01');
          const observations: Observation[] = raw.map((r, i) => ({
            snapshotId: i + 1,
            observedAt: base + r.day * DAY + r.hour * 3600_000,
            coverage: r.full ? 'full' : 'partial',
            facts: { ownership: r.ownership, platform: 'android', ...(r.group ? { group: r.group } : {}) },
            apps: r.tiktok ? [tiktok, signal] : [signal],
          }));
          const effective = base + revisionDay * DAY + 12 * 3600_000;
          const revisions = [
            { ban: rev1, effectiveFrom: 0 },
            { ban: rev2, effectiveFrom: effective },
          ];
          const changes = deriveTimeline({ tokens: ['1'], observations, revisions });
          for (let k = 1; k < changes.length; k++) {
            expect((changes[k] as FindingChange).at).toBeGreaterThan((changes[k - 1] as FindingChange).at);
          }
          // Picking the history up at any instant, from the last recorded change, gives the same history.
          const from = base + (probes[0] ?? 0) * 3600_000;
          const before = changes.filter((c) => c.at < from);
          const resumed = deriveTimeline({
            tokens: ['1'],
            observations: observations.map((o) => (o.observedAt < from ? { ...o, facts: {} } : o)),
            revisions,
            resume: { from, previous: before.at(-1) },
          });
          expect([...before, ...resumed]).toEqual(changes);
          for (const hours of probes) {
            const at = base + hours * 3600_000;
            const change = changeAt(changes, at);
            const first = Math.min(...observations.map((o) => o.observedAt));
            if (at < first) {
              expect(change).toBeUndefined();
              continue;
            }
            const ban = at >= effective ? rev2 : rev1;
            const expected = evaluateDevice(evidenceAt(observations, at), ban, at, {
              entered: change?.entered ?? null,
            });
            expect(change?.to).toBe(expected.state);
            expect(change?.deadline ?? null).toBe(expected.deadline);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
