import { expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { createComplianceService } from '../../src/compliance/compliance.service.js';
import { applyDueChanges, createClockPass } from '../../src/compliance/due-changes.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';

const DAY = 86_400_000;
const T0 = Date.parse('2023-06-01T12:00:00Z');

describeEachDialect('bringing findings up to the clock', ({ store }) => {
  it('writes the staleness the history foresaw once its time has come, once', async () => {
    let clock = T0 + DAY;
    const db = store().db;
    const service = createComplianceService({ db, catalog: loadCatalog(), now: () => clock });
    await service.applyBan(makeBan({ removal: { deadline: 'P30D' } }), {
      appliedBy: 'test',
      at: T0 - 90 * DAY,
    });
    await service.ingest([
      {
        source: 'csv',
        device: {
          sourceDeviceId: 'S1',
          serial: 'S1',
          platform: 'android',
          ownership: 'owned',
          group: 'federal',
        },
        observedAt: new Date(T0).toISOString(),
        apps: [{ kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok' }],
        coverage: 'full',
      },
    ]);
    const state = async () =>
      (await db.selectFrom('findings').select(['state']).executeTakeFirstOrThrow()).state;
    expect(await state()).toBe('violating');
    const ahead = await db
      .selectFrom('finding_history')
      .select(['to_state', 'at'])
      .where('at', '>', clock)
      .execute();
    // Stale from the first instant past the 7-day window.
    expect(ahead).toEqual([{ to_state: 'unknown', at: T0 + 7 * DAY + 1 }]);

    expect(await applyDueChanges(db, { since: T0, now: T0 + 5 * DAY })).toBe(0);
    expect(await state()).toBe('violating');

    clock = T0 + 8 * DAY;
    const pass = createClockPass(db, { now: () => clock });
    expect(await pass.runOnce()).toBe(1);
    expect(await state()).toBe('unknown');
    expect(await pass.runOnce()).toBe(0);
    expect(await applyDueChanges(db, { since: T0, now: clock })).toBe(0);
    const report = await service.report({ at: clock });
    expect(report.bans[0]?.counts.unknown).toBe(1);
  });
});
