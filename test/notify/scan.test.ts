import { expect, it } from 'vitest';
import { createChannel, disableChannel } from '../../src/notify/channel.repository.js';
import { listNotifications } from '../../src/notify/delivery-log.js';
import type { ViolationPayload } from '../../src/notify/notification.payload.js';
import { scanForNotifications } from '../../src/notify/scan.js';
import type { Store } from '../../src/store/store.js';
import { describeEachDialect } from '../store/harness.js';
import { BAN_ID, BAN_TITLE, DAY, HOUR, NOW, seedDevice, seedHistory, seedScenario } from './seed.js';

async function kindsRaised(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('notifications').select('kind').orderBy('kind').execute();
  return rows.map((r) => r.kind);
}

async function deliveriesPerChannel(store: Store): Promise<Record<number, string[]>> {
  const rows = await store.db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .select(['d.channel_id', 'n.kind', 'd.status'])
    .orderBy('n.kind')
    .execute();
  const out: Record<number, string[]> = {};
  for (const row of rows) {
    expect(row.status).toBe('pending');
    out[row.channel_id] = [...(out[row.channel_id] ?? []), row.kind];
  }
  return out;
}

describeEachDialect('notification scan', ({ dialect, store }) => {
  it('raises each of the four kinds once, with a payload a person can act on', async () => {
    const { db } = store();
    const devices = await seedScenario(db);

    expect(await scanForNotifications(db, { now: NOW })).toMatchObject({ raised: 4 });
    expect(await kindsRaised(store())).toEqual([
      'ban.review-due',
      'exception.expiring',
      'violation.new',
      'violation.overdue',
    ]);
    expect(await scanForNotifications(db, { now: NOW })).toEqual({ raised: 0, deliveries: 0 });
    expect(await scanForNotifications(db, { now: NOW + HOUR })).toEqual({ raised: 0, deliveries: 0 });
    expect(await kindsRaised(store())).toHaveLength(4);

    const { items } = await listNotifications(db);
    const fresh = items.find((n) => n.kind === 'violation.new')?.payload as ViolationPayload;
    expect(fresh).toMatchObject({
      kind: 'violation.new',
      at: new Date(NOW).toISOString(),
      summary: `New violation: TikTok on laptop-123 (${BAN_ID})`,
      ban: { id: BAN_ID, title: BAN_TITLE },
      device: {
        id: devices.fresh,
        name: 'laptop-123',
        holder: 'carol@example.gov',
        group: 'federal/finance/it',
      },
      apps: [{ app: 'tiktok', name: 'TikTok', identifier: 'com.zhiliaoapp.musically' }],
      since: new Date(NOW - HOUR).toISOString(),
      deadline: '2023-09-30',
    });
    const overdue = items.find((n) => n.kind === 'violation.overdue')?.payload as ViolationPayload;
    expect(overdue).toMatchObject({
      device: { id: devices.overdue, name: 'laptop-overdue' },
      deadline: '2023-08-22',
      overdueSince: new Date(NOW - 9 * DAY).toISOString(),
    });
    expect(items.find((n) => n.kind === 'exception.expiring')?.payload).toMatchObject({
      exception: {
        id: 'ccb-research-lab',
        reason: 'security-research',
        expiresAt: new Date(NOW + 5 * DAY).toISOString(),
      },
      ban: { id: BAN_ID },
    });
    expect(items.find((n) => n.kind === 'ban.review-due')?.payload).toMatchObject({
      reviewDate: '2023-09-10',
      daysLeft: 9,
      summary: `Ban review due 2023-09-10: ${BAN_ID}`,
    });
  });

  it('waits for history written ahead of the clock, then raises it once', async () => {
    const { db } = store();
    const { future } = await seedScenario(db);
    await scanForNotifications(db, { now: NOW });
    const deviceIds = async () =>
      (
        await db.selectFrom('notifications').select('device_id').where('kind', '=', 'violation.new').execute()
      ).map((r) => r.device_id);
    expect(await deviceIds()).not.toContain(future);

    expect((await scanForNotifications(db, { now: NOW + 2 * DAY - 1 })).raised).toBe(0);
    expect((await scanForNotifications(db, { now: NOW + 2 * DAY })).raised).toBe(1);
    expect(await deviceIds()).toContain(future);
    expect((await scanForNotifications(db, { now: NOW + 3 * DAY })).raised).toBe(0);
  });

  it('raises violations appended after a scan, and not those that are old news', async () => {
    const { db } = store();
    await seedScenario(db);
    await scanForNotifications(db, { now: NOW });
    const late = await seedDevice(db, 'tablet-late');
    await seedHistory(db, { deviceId: late, from: 'unknown', to: 'violating', at: NOW + HOUR });
    const stale = await seedDevice(db, 'tablet-stale');
    await seedHistory(db, { deviceId: stale, from: 'compliant', to: 'violating', at: NOW - 30 * DAY });
    expect((await scanForNotifications(db, { now: NOW + 2 * HOUR })).raised).toBe(1);
    const rows = await db
      .selectFrom('notifications')
      .select('device_id')
      .where('kind', '=', 'violation.new')
      .execute();
    expect(rows.map((r) => r.device_id)).toContain(late);
    expect(rows.map((r) => r.device_id)).not.toContain(stale);
  });

  it('queues one delivery per enabled channel whose events match', async () => {
    const { db } = store();
    await seedScenario(db);
    const all = await createChannel(db, {
      kind: 'webhook',
      url: 'https://hooks.example.gov/a',
      createdBy: 'admin',
      at: NOW,
    });
    const violations = await createChannel(db, {
      kind: 'email',
      addresses: ['soc@example.gov'],
      events: ['violation.new', 'violation.overdue'],
      createdBy: 'admin',
      at: NOW,
    });
    const reviews = await createChannel(db, {
      kind: 'webhook',
      url: 'http://127.0.0.1:9/reviews',
      events: ['ban.review-due'],
      createdBy: 'admin',
      at: NOW,
    });
    const off = await createChannel(db, {
      kind: 'webhook',
      url: 'https://hooks.example.gov/off',
      createdBy: 'admin',
      at: NOW,
    });
    await disableChannel(db, off.channel.id, { at: NOW });

    expect(await scanForNotifications(db, { now: NOW })).toEqual({ raised: 4, deliveries: 7 });
    expect(await deliveriesPerChannel(store())).toEqual({
      [all.channel.id]: ['ban.review-due', 'exception.expiring', 'violation.new', 'violation.overdue'],
      [violations.channel.id]: ['violation.new', 'violation.overdue'],
      [reviews.channel.id]: ['ban.review-due'],
    });
  });

  it('raises nothing twice when two scans run at once', async () => {
    const { db } = store();
    await seedScenario(db);
    await createChannel(db, {
      kind: 'webhook',
      url: 'https://hooks.example.gov/a',
      createdBy: 'admin',
      at: NOW,
    });
    const results = await Promise.all([
      scanForNotifications(db, { now: NOW }),
      scanForNotifications(db, { now: NOW }),
      scanForNotifications(db, { now: NOW + 1 }),
    ]);
    expect(results.reduce((sum, r) => sum + r.raised, 0)).toBe(4);
    expect(results.reduce((sum, r) => sum + r.deliveries, 0)).toBe(4);
    expect(await kindsRaised(store())).toHaveLength(4);
    const deliveries = await db.selectFrom('notification_deliveries').select('id').execute();
    expect(deliveries).toHaveLength(4);
  });

  it('does not raise for a finding whose history has moved on, nor review dates far off or past', async () => {
    const { db } = store();
    // laptop-overdue's ban ends for it: a change written ahead whose time has come.
    const { overdue } = await seedScenario(db);
    await seedHistory(db, { deviceId: overdue, from: 'violating', to: 'not-in-scope', at: NOW - HOUR });
    await db
      .updateTable('ban_revisions')
      .set({
        document: JSON.stringify({ title: BAN_TITLE, period: { start: '2023-03-10', review: '2023-10-30' } }),
      })
      .execute();
    expect(await kindsRaised(store())).toEqual([]);
    await scanForNotifications(db, { now: NOW });
    expect(await kindsRaised(store())).toEqual(['exception.expiring', 'violation.new']);
    // The day after the review date is too late; the review day itself still counts.
    await scanForNotifications(db, { now: Date.UTC(2023, 9, 31, 1) });
    expect(await kindsRaised(store())).not.toContain('ban.review-due');
    await scanForNotifications(db, { now: Date.UTC(2023, 9, 30, 23) });
    expect(await kindsRaised(store())).toContain('ban.review-due');
  });

  if (dialect === 'postgres') {
    it('sees a history row committed after a later one (ids are not commit order)', async () => {
      const { db } = store();
      await seedScenario(db);
      await scanForNotifications(db, { now: NOW });
      const slow = await seedDevice(db, 'laptop-slow');
      const quick = await seedDevice(db, 'laptop-quick');
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted!: () => void;
      const insertedSlow = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const slowTransaction = db.transaction().execute(async (trx) => {
        await seedHistory(trx, { deviceId: slow, from: 'compliant', to: 'violating', at: NOW + HOUR });
        inserted();
        await released;
      });
      await insertedSlow;
      await seedHistory(db, { deviceId: quick, from: 'compliant', to: 'violating', at: NOW + HOUR });
      expect((await scanForNotifications(db, { now: NOW + 2 * HOUR })).raised).toBe(1);
      release();
      await slowTransaction;
      expect((await scanForNotifications(db, { now: NOW + 3 * HOUR })).raised).toBe(1);
      expect((await scanForNotifications(db, { now: NOW + 4 * HOUR })).raised).toBe(0);
      const raisedFor = await db
        .selectFrom('notifications')
        .select('device_id')
        .where('kind', '=', 'violation.new')
        .execute();
      expect(raisedFor.map((r) => r.device_id)).toEqual(expect.arrayContaining([slow, quick]));
    });
  }

  if (dialect === 'sqlite') {
    it('still raises a violation whose history row reused the id of a deleted one', async () => {
      const { db } = store();
      await seedScenario(db);
      await scanForNotifications(db, { now: NOW });
      const newest = await db
        .selectFrom('finding_history')
        .select('id')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      // A re-evaluation deletes the newest rows and writes new ones: SQLite hands out the same ids again.
      await db.deleteFrom('finding_history').where('id', '=', newest.id).execute();
      const device = await seedDevice(db, 'laptop-rewritten');
      const reused = await seedHistory(db, {
        deviceId: device,
        from: 'compliant',
        to: 'violating',
        at: NOW + HOUR,
      });
      expect(reused).toBe(newest.id);
      await db
        .insertInto('findings')
        .values({
          device_id: device,
          ban_id: BAN_ID,
          revision: 1,
          state: 'violating',
          since: NOW + HOUR,
          deadline: NOW + 31 * DAY,
          matched: '[]',
          snapshot_id: null,
          evaluated_at: NOW + HOUR,
        })
        .execute();
      expect((await scanForNotifications(db, { now: NOW + 2 * HOUR })).raised).toBe(1);
    });
  }
});
