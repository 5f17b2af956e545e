import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileBan,
  compileRuntimeException,
  withRuntimeExceptions,
} from '../../src/compliance/engine/compile.js';
import { evaluateDevice } from '../../src/compliance/engine/evaluate.js';
import { evaluateFleet, scanBannedApps } from '../../src/compliance/engine/fleet.evaluate.js';
import { Fleet } from '../../src/compliance/engine/fleet.js';
import { appKey } from '../../src/compliance/engine/interner.js';
import { stateName } from '../../src/compliance/engine/states.js';
import { makeBan } from '../support/bans.js';
import { catalog, ms, SIGNAL, TIKTOK_ANDROID, TIKTOK_NAME } from './fixtures.js';

const DAY = 86_400_000;

describe('Fleet', () => {
  it('stores devices in columns and replaces their apps', () => {
    const fleet = new Fleet({ devices: 2, apps: 4 });
    const a = fleet.apps.intern('x');
    const b = fleet.apps.intern('y');
    const record = {
      key: 7,
      ownership: 'owned',
      platform: 'ios',
      observedAt: 1,
      fullAt: 1,
      snapshotId: 3,
      apps: [a],
    };
    for (let k = 0; k < 40; k++) fleet.upsert({ ...record, key: k + 100, apps: [a, b, a] });
    const i = fleet.upsert({ ...record, group: '/Federal/Finance/', holder: 'alice' });
    expect(Array.from(fleet.appsOf(i))).toEqual([a]);
    fleet.upsert({ ...record, group: 'federal/finance', holder: 'alice', apps: [b, a, b, a] });
    expect(fleet.indexOf(7)).toBe(i);
    expect(Array.from(fleet.appsOf(i))).toEqual([b, a, b, a]);
    expect(fleet.groupOf(i)).toBe('federal/finance');
    expect(fleet.evidence(i).facts).toMatchObject({ ownership: 'owned', platform: 'ios', holder: 'alice' });
    const before = fleet.appUsed;
    fleet.compact();
    expect(fleet.appUsed).toBeLessThan(before);
    expect(Array.from(fleet.appsOf(i))).toEqual([b, a, b, a]);
    expect(Array.from(fleet.appsOf(fleet.indexOf(100) ?? -1))).toEqual([a, b, a]);
  });
});

describe('evaluateFleet', () => {
  it('agrees with evaluateDevice on every device', () => {
    const device = fc.record({
      ownership: fc.constantFrom('owned', 'paid', 'byod', 'unknown'),
      platform: fc.constantFrom('android', 'ios', 'windows', 'unknown'),
      group: fc.constantFrom(
        'federal',
        'federal/finance',
        'federal/ccb/lab',
        'federalist',
        'regional',
        undefined,
      ),
      holder: fc.constantFrom('alice', 'bob', undefined),
      name: fc.constantFrom('PHONE-1', 'phone-2', undefined),
      ageHours: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      fullAgeHours: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      apps: fc.array(fc.constantFrom('tiktok', 'name', 'signal', 'other'), { maxLength: 5 }),
      enteredDays: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(device, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        (devices, day) => {
          const fleet = new Fleet({ devices: 4 });
          const ban = withRuntimeExceptions(
            compileBan(
              makeBan({
                scope: {
                  ownership: ['owned', 'paid'],
                  groups: { include: ['federal'], exclude: ['federal/ccb'] },
                  platforms: ['android', 'ios', 'windows'],
                },
                period: { start: '2023-03-10', end: '2023-09-01' },
                exceptions: [
                  {
                    id: 'lab',
                    subjects: { group: 'federal/ccb' },
                    reason: 'r',
                    approvedBy: 'a',
                    starts: '2023-04-01',
                    expires: '2023-05-01',
                  },
                ],
              }),
              1,
              catalog,
              fleet.apps,
            ),
            [
              compileRuntimeException({
                id: 'alice',
                subjects: { holders: ['ALICE'], devices: ['phone-2'] },
                startsAt: null,
                expiresAt: ms('2023-06-01'),
                revokedAt: null,
              }),
            ],
          );
          const ids = {
            tiktok: fleet.apps.intern(appKey(...TIKTOK_ANDROID)),
            name: fleet.apps.intern(appKey(...TIKTOK_NAME)),
            signal: fleet.apps.intern(appKey(...SIGNAL)),
            other: fleet.apps.intern('package\u0000other'),
          };
          const at = ms('2023-03-01') + day * DAY;
          const entered = new Float64Array(devices.length).fill(Number.NaN);
          devices.forEach((d, k) => {
            const observedAt = d.ageHours === undefined ? Number.NaN : at - d.ageHours * 3600_000;
            const fullAt =
              d.fullAgeHours === undefined || Number.isNaN(observedAt)
                ? Number.NaN
                : Math.min(observedAt, at - d.fullAgeHours * 3600_000);
            const i = fleet.upsert({
              key: k + 1,
              ownership: d.ownership,
              platform: d.platform,
              group: d.group,
              holder: d.holder,
              name: d.name,
              observedAt,
              fullAt,
              snapshotId: k,
              apps: d.apps.map((a) => ids[a as keyof typeof ids]),
            });
            if (d.enteredDays !== undefined) entered[i] = ms('2023-03-01') + d.enteredDays * DAY;
          });
          const result = evaluateFleet(fleet, ban, at, { entered });
          const indexed = evaluateFleet(fleet, ban, at, { entered, hits: scanBannedApps(fleet, ban) });
          expect(indexed.states).toEqual(result.states);
          expect(indexed.counts).toEqual(result.counts);
          let inScope = 0;
          for (let i = 0; i < fleet.size; i++) {
            const e = entered[i] as number;
            const single = evaluateDevice(fleet.evidence(i), ban, at, {
              entered: Number.isNaN(e) ? null : e,
            });
            expect(stateName(result.states[i] as number)).toBe(single.state);
            expect(result.deadlines.get(i) ?? null).toBe(single.deadline);
            expect(result.exceptions.get(i) ?? null).toBe(single.exceptionId);
            if (single.state !== 'not-in-scope') inScope++;
          }
          expect(result.counts.inScope).toBe(inScope);
          const c = result.counts;
          expect(c.compliant + c.violating + c.overdue + c.excepted + c.unknown).toBe(c.inScope);
        },
      ),
      { numRuns: 300 },
    );
  });
});
