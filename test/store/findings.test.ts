import { expect, it } from 'vitest';
import { storeBanRevision } from '../../src/store/ban-revision.repository.js';
import type { Trx } from '../../src/store/executor.js';
import {
  appendFindingHistory,
  countFindingsByState,
  deleteFindings,
  type Finding,
  type FindingChange,
  findingsAsOf,
  getFinding,
  listBanHistory,
  listFindingHistory,
  listFindings,
  upsertFindings,
} from '../../src/store/finding.repository.js';
import { storeSnapshots } from '../../src/store/snapshot.repository.js';
import { makeBan } from '../support/bans.js';
import { makeSnapshot } from './factories.js';
import { describeEachDialect } from './harness.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 2, 10);
const BAN = 'be-federal-tiktok-2023';

describeEachDialect('findings and history', ({ store }) => {
  /** A ban with two revisions and three devices. */
  async function seed(): Promise<number[]> {
    const { db } = store();
    return db.transaction().execute(async (trx) => {
      await storeBanRevision(trx, makeBan(), { appliedBy: 'a', appliedAt: T0 });
      await storeBanRevision(trx, makeBan({ title: 'v2' }), { appliedBy: 'a', appliedAt: T0 + 20 * DAY });
      await storeBanRevision(trx, makeBan({ id: 'other-ban' }), { appliedBy: 'a', appliedAt: T0 });
      const stored = await storeSnapshots(
        trx,
        ['d1', 'd2', 'd3'].map((id) => makeSnapshot({ device: { sourceDeviceId: id } })),
        { importedAt: T0 },
      );
      return stored.map((s) => s.deviceId);
    });
  }

  const inTrx = <T>(fn: (trx: Trx) => Promise<T>) => store().db.transaction().execute(fn);

  const finding = (deviceId: number, overrides: Partial<Finding> = {}): Finding => ({
    deviceId,
    banId: BAN,
    revision: 1,
    state: 'compliant',
    since: T0,
    deadline: null,
    matched: [],
    snapshotId: null,
    evaluatedAt: T0,
    ...overrides,
  });

  const change = (deviceId: number, at: number, from: FindingChange['from'], to: FindingChange['to']) =>
    ({
      deviceId,
      banId: BAN,
      revision: 1,
      from,
      to,
      at,
      snapshotId: null,
      evidence: { note: `${from}->${to}` },
    }) satisfies FindingChange;

  it('upserts the current finding of each device under each ban', async () => {
    const [d1 = 0, d2 = 0] = await seed();
    const { db } = store();
    await inTrx((trx) => upsertFindings(trx, [finding(d1), finding(d2)]));
    await inTrx((trx) =>
      upsertFindings(trx, [
        finding(d1, {
          state: 'violating',
          revision: 2,
          since: T0 + DAY,
          deadline: T0 + 31 * DAY,
          matched: [
            { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', appId: 'tiktok' },
          ],
        }),
      ]),
    );
    expect(await getFinding(db, d1, BAN)).toEqual(
      finding(d1, {
        state: 'violating',
        revision: 2,
        since: T0 + DAY,
        deadline: T0 + 31 * DAY,
        matched: [{ kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', appId: 'tiktok' }],
      }),
    );
    expect((await listFindings(db, { states: ['violating'] })).map((f) => f.deviceId)).toEqual([d1]);
    expect(await countFindingsByState(db)).toEqual([
      { banId: BAN, state: 'compliant', count: 1 },
      { banId: BAN, state: 'violating', count: 1 },
    ]);
    expect(await inTrx((trx) => deleteFindings(trx, { banId: BAN, deviceId: d2 }))).toBe(1);
    expect(await listFindings(db)).toHaveLength(1);
  });

  it('refuses a finding for a revision that was never applied', async () => {
    const [d1 = 0] = await seed();
    await expect(inTrx((trx) => upsertFindings(trx, [finding(d1, { revision: 9 })]))).rejects.toThrow();
  });

  it('answers the state of every device as of a past instant from the appended history', async () => {
    const [d1 = 0, d2 = 0, d3 = 0] = await seed();
    const { db } = store();
    await inTrx((trx) =>
      appendFindingHistory(trx, [
        change(d1, T0, null, 'compliant'),
        change(d2, T0, null, 'compliant'),
        change(d1, T0 + 10 * DAY, 'compliant', 'violating'),
        change(d1, T0 + 30 * DAY, 'violating', 'compliant'),
      ]),
    );
    // An older export arrives late: its change is appended now but belongs on day 5.
    await inTrx((trx) => appendFindingHistory(trx, [change(d2, T0 + 5 * DAY, 'compliant', 'violating')]));
    // Two changes at one instant: the one appended last is the answer.
    await inTrx((trx) =>
      appendFindingHistory(trx, [
        change(d3, T0 + DAY, null, 'unknown'),
        change(d3, T0 + DAY, 'unknown', 'excepted'),
      ]),
    );
    await inTrx((trx) =>
      appendFindingHistory(trx, [{ ...change(d1, T0, null, 'not-in-scope'), banId: 'other-ban' }]),
    );

    const stateAt = async (when: number, banId?: string) =>
      (await findingsAsOf(db, { at: when, ...(banId === undefined ? {} : { banId }) })).map((h) => [
        h.deviceId,
        h.banId,
        h.to,
      ]);
    expect(await stateAt(T0 - 1)).toEqual([]);
    expect(await stateAt(T0 + 7 * DAY, BAN)).toEqual([
      [d1, BAN, 'compliant'],
      [d2, BAN, 'violating'],
      [d3, BAN, 'excepted'],
    ]);
    expect(await stateAt(T0 + 10 * DAY)).toEqual([
      [d1, BAN, 'violating'],
      [d1, 'other-ban', 'not-in-scope'],
      [d2, BAN, 'violating'],
      [d3, BAN, 'excepted'],
    ]);
    expect(await stateAt(T0 + 40 * DAY, BAN)).toEqual([
      [d1, BAN, 'compliant'],
      [d2, BAN, 'violating'],
      [d3, BAN, 'excepted'],
    ]);
    // Paging by device never splits a device's bans.
    const page1 = await findingsAsOf(db, { at: T0 + 10 * DAY, limit: 1 });
    expect(page1.map((h) => [h.deviceId, h.banId])).toEqual([
      [d1, BAN],
      [d1, 'other-ban'],
    ]);
    const page2 = await findingsAsOf(db, { at: T0 + 10 * DAY, limit: 5, afterDeviceId: d1 });
    expect(page2.map((h) => h.deviceId)).toEqual([d2, d3]);

    const d1History = await listFindingHistory(db, { deviceId: d1, banId: BAN });
    expect(d1History.map((h) => [h.from, h.to])).toEqual([
      [null, 'compliant'],
      ['compliant', 'violating'],
      ['violating', 'compliant'],
    ]);
    expect(d1History[1]?.evidence).toEqual({ note: 'compliant->violating' });
    const window = await listBanHistory(db, { banId: BAN, from: T0 + DAY, to: T0 + 10 * DAY });
    expect(window.map((h) => h.at)).toEqual([T0 + DAY, T0 + DAY, T0 + 5 * DAY, T0 + 10 * DAY]);
  });
});
