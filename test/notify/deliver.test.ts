import { afterEach, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channel.repository.js';
import { deliverDue, exponentialBackoff } from '../../src/notify/deliver.js';
import { scanForNotifications } from '../../src/notify/scan.js';
import { createWebhookSender } from '../../src/notify/webhook.sender.js';
import { describeEachDialect } from '../store/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './receivers.js';
import { NOW, seedScenario } from './seed.js';

const SECRET = 'whsec_concurrency_0123456789';
const NOW_S = Math.floor(NOW / 1000);

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describeEachDialect('delivery claims', ({ store }) => {
  it('sends each delivery once when two deliverers run at once', async () => {
    const { db } = store();
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S, delayMs: 20 });
    await seedScenario(db);
    for (const path of ['a', 'b', 'c']) {
      await createChannel(db, {
        kind: 'webhook',
        url: `${receiver.url}/${path}`,
        secret: SECRET,
        createdBy: 'admin',
        at: NOW,
      });
    }
    expect(await scanForNotifications(db, { now: NOW })).toEqual({ raised: 4, deliveries: 12 });

    const senders = { webhook: createWebhookSender() };
    const results = await Promise.all([
      deliverDue(db, { now: NOW, senders, limit: 8, concurrency: 2 }),
      deliverDue(db, { now: NOW, senders, limit: 8, concurrency: 2 }),
      deliverDue(db, { now: NOW, senders, limit: 8, concurrency: 2 }),
    ]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(12);
    expect(results.reduce((sum, r) => sum + r.claimed, 0)).toBe(12);

    const ids = receiver.received.map((r) => r.headers['x-appban-delivery']);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const statuses = await db
      .selectFrom('notification_deliveries')
      .select(['status', 'attempts', 'claimed_until'])
      .execute();
    expect(statuses.every((d) => d.status === 'sent' && d.attempts === 1 && d.claimed_until === null)).toBe(
      true,
    );
    expect(await db.selectFrom('notification_attempts').select('id').execute()).toHaveLength(12);
  });

  it('leaves a delivery claimed by another replica alone until the claim lapses', async () => {
    const { db } = store();
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S });
    await seedScenario(db);
    await createChannel(db, {
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      events: ['ban.review-due'],
      createdBy: 'admin',
      at: NOW,
    });
    await scanForNotifications(db, { now: NOW });
    // A replica claimed it for two minutes and died.
    await db
      .updateTable('notification_deliveries')
      .set({ claimed_until: NOW + 120_000 })
      .execute();
    const senders = { webhook: createWebhookSender() };
    expect(await deliverDue(db, { now: NOW + 60_000, senders })).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(0);
    expect(await deliverDue(db, { now: NOW + 120_001, senders })).toMatchObject({ claimed: 1, sent: 1 });
    expect(receiver.received).toHaveLength(1);
  });
});

it('backs off exponentially from 30 s to a one-hour cap, with bounded jitter', () => {
  const exact = exponentialBackoff({ random: () => 0.5 });
  expect([1, 2, 3, 4, 7, 8, 20].map(exact)).toEqual([
    30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
  ]);
  const low = exponentialBackoff({ random: () => 0 });
  const high = exponentialBackoff({ random: () => 0.999_999 });
  expect(low(1)).toBe(24_000);
  expect(high(1)).toBeCloseTo(36_000, -1);
  expect(high(12)).toBe(3_600_000);
});
