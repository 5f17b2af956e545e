import { afterEach, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channel.repository.js';
import { deliverDue } from '../../src/notify/deliver.js';
import { listDeliveries } from '../../src/notify/delivery-log.js';
import { scanForNotifications } from '../../src/notify/scan.js';
import { createWebhookSender, signWebhook } from '../../src/notify/webhook.sender.js';
import type { Store } from '../../src/store/store.js';
import { describeEachDialect } from '../store/harness.js';
import { startWebhookReceiver, verifyAppban, type WebhookReceiver } from './receivers.js';
import { HOUR, NOW, seedBan } from './seed.js';

const NOW_S = Math.floor(NOW / 1000);
const SECRET = 'whsec_test_0123456789abcdef';

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** One pending delivery of a `ban.review-due` notification to a webhook at `url`. */
async function oneDelivery(store: Store, url: string, secret = SECRET): Promise<number> {
  await seedBan(store.db, { review: '2023-09-10' });
  await createChannel(store.db, { kind: 'webhook', url, secret, createdBy: 'admin', at: NOW });
  expect(await scanForNotifications(store.db, { now: NOW })).toEqual({ raised: 1, deliveries: 1 });
  const row = await store.db.selectFrom('notification_deliveries').select('id').executeTakeFirstOrThrow();
  return row.id;
}

async function attemptsOf(store: Store, deliveryId: number) {
  return store.db
    .selectFrom('notification_attempts')
    .select(['attempt', 'outcome', 'status_code', 'error', 'at', 'duration_ms'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute();
}

describeEachDialect('webhook delivery', ({ store }) => {
  const senders = { webhook: createWebhookSender({ timeoutMs: 2000 }) };

  it('retries 503s with backoff, then delivers a signed request', async () => {
    receiver = await startWebhookReceiver({
      secret: () => SECRET,
      nowSeconds: NOW_S,
      answer: (n) => (n < 2 ? 503 : 204),
    });
    const id = await oneDelivery(store(), receiver.url);

    expect(await deliverDue(store().db, { now: NOW, senders })).toMatchObject({ claimed: 1, retried: 1 });
    const afterFirst = await store()
      .db.selectFrom('notification_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(afterFirst).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: 503,
      claimed_until: null,
    });
    // 30 s ± 20 % jitter.
    expect(afterFirst.next_attempt_at).toBeGreaterThanOrEqual(NOW + 24_000);
    expect(afterFirst.next_attempt_at).toBeLessThanOrEqual(NOW + 36_000);
    expect(await deliverDue(store().db, { now: NOW + 1000, senders })).toMatchObject({ claimed: 0 });

    expect(await deliverDue(store().db, { now: NOW + 60_000, senders })).toMatchObject({ retried: 1 });
    const afterSecond = await store()
      .db.selectFrom('notification_deliveries')
      .select('next_attempt_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // The second wait doubles: 60 s ± 20 %.
    expect(afterSecond.next_attempt_at).toBeGreaterThanOrEqual(NOW + 60_000 + 48_000);
    expect(afterSecond.next_attempt_at).toBeLessThanOrEqual(NOW + 60_000 + 72_000);

    expect(await deliverDue(store().db, { now: NOW + 200_000, senders })).toMatchObject({ sent: 1 });
    expect(await attemptsOf(store(), id)).toMatchObject([
      { attempt: 1, outcome: 'retry', status_code: 503, at: NOW },
      { attempt: 2, outcome: 'retry', status_code: 503, at: NOW + 60_000 },
      { attempt: 3, outcome: 'sent', status_code: 204, error: null, at: NOW + 200_000 },
    ]);
    const { items } = await listDeliveries(store().db);
    expect(items).toMatchObject([{ id, status: 'sent', attempts: 3, kind: 'ban.review-due' }]);
    expect(items[0]?.log).toHaveLength(3);

    expect(receiver.received).toHaveLength(3);
    for (const request of receiver.received) expect(request.verified).toBe(true);
    const last = receiver.received[2];
    expect(last?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-appban-event': 'ban.review-due',
      'x-appban-delivery': String(id),
      'x-appban-timestamp': String(NOW_S + 200),
    });
    expect(JSON.parse(last?.body ?? '{}')).toMatchObject({
      delivery: id,
      kind: 'ban.review-due',
      reviewDate: '2023-09-10',
      ban: { id: 'be-federal-tiktok-2023' },
    });
    // The same delivery id on every retry, so that receivers can drop duplicates.
    expect(new Set(receiver.received.map((r) => r.headers['x-appban-delivery']))).toEqual(
      new Set([String(id)]),
    );
  });

  it('fails at once on a 400, and gives up after maxAttempts on 5xx', async () => {
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S, answer: () => 400 });
    const id = await oneDelivery(store(), receiver.url);
    expect(await deliverDue(store().db, { now: NOW, senders })).toMatchObject({ failed: 1 });
    expect(await attemptsOf(store(), id)).toMatchObject([
      { attempt: 1, outcome: 'failed', status_code: 400 },
    ]);
    expect((await attemptsOf(store(), id))[0]?.error).toContain('HTTP 400');
    expect(await deliverDue(store().db, { now: NOW + 2 * HOUR, senders })).toMatchObject({ claimed: 0 });
  });

  it('retries 429 and gives up after maxAttempts', async () => {
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S, answer: () => 429 });
    const id = await oneDelivery(store(), receiver.url);
    expect(await deliverDue(store().db, { now: NOW, senders, maxAttempts: 2 })).toMatchObject({ retried: 1 });
    expect(await deliverDue(store().db, { now: NOW + 100_000, senders, maxAttempts: 2 })).toMatchObject({
      failed: 1,
    });
    const attempts = await attemptsOf(store(), id);
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'failed']);
    expect(attempts[1]?.error).toMatch(/^Gave up after 2 attempts: HTTP 429/);
    const delivery = await store()
      .db.selectFrom('notification_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, next_attempt_at: null });
  });

  it('times out on a receiver that never answers, and retries', async () => {
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S, answer: () => 'hang' });
    const id = await oneDelivery(store(), receiver.url);
    const quick = { webhook: createWebhookSender({ timeoutMs: 300 }) };
    const started = Date.now();
    expect(await deliverDue(store().db, { now: NOW, senders: quick })).toMatchObject({ retried: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    const [attempt] = await attemptsOf(store(), id);
    expect(attempt).toMatchObject({ outcome: 'retry', status_code: null, error: 'No answer within 300 ms.' });
    expect(attempt?.duration_ms).toBeGreaterThanOrEqual(250);
    expect(receiver.received).toHaveLength(1);
  });

  it('is rejected by a receiver holding another secret (negative control of the verification)', async () => {
    receiver = await startWebhookReceiver({
      secret: () => 'whsec_some_other_secret_value',
      nowSeconds: NOW_S,
    });
    const id = await oneDelivery(store(), receiver.url);
    expect(await deliverDue(store().db, { now: NOW, senders })).toMatchObject({ failed: 1 });
    expect(receiver.received[0]?.verified).toBe(false);
    const [attempt] = await attemptsOf(store(), id);
    expect(attempt).toMatchObject({ outcome: 'failed', status_code: 401 });
    expect(attempt?.error).not.toContain(SECRET);
  });

  it('does not send for a channel disabled after the notification was raised', async () => {
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S });
    const id = await oneDelivery(store(), receiver.url);
    await store().db.updateTable('notification_channels').set({ disabled_at: NOW }).execute();
    expect(await deliverDue(store().db, { now: NOW, senders })).toMatchObject({ failed: 1 });
    expect(receiver.received).toHaveLength(0);
    expect(await attemptsOf(store(), id)).toMatchObject([
      { outcome: 'failed', error: 'The channel was disabled.' },
    ]);
  });

  it('records network errors as retries without the URL', async () => {
    const probe = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S });
    const closedUrl = `${probe.url}?token=query-secret`;
    await probe.close();
    const id = await oneDelivery(store(), closedUrl);
    expect(await deliverDue(store().db, { now: NOW, senders })).toMatchObject({ retried: 1 });
    const [attempt] = await attemptsOf(store(), id);
    expect(attempt?.outcome).toBe('retry');
    expect(attempt?.error).toMatch(/ECONNREFUSED/);
    expect(attempt?.error).not.toContain('query-secret');
  });
});

it('verifies only the exact signed bytes with the exact secret (the documented recipe)', () => {
  const body = '{"kind":"ban.review-due"}';
  const headers = {
    'x-appban-timestamp': String(NOW_S),
    'x-appban-signature': signWebhook(SECRET, NOW_S, body),
  };
  expect(verifyAppban(SECRET, headers, body, NOW_S)).toBe(true);
  expect(verifyAppban(SECRET, headers, `${body} `, NOW_S)).toBe(false);
  expect(verifyAppban(`${SECRET}x`, headers, body, NOW_S)).toBe(false);
  expect(verifyAppban(SECRET, { ...headers, 'x-appban-timestamp': String(NOW_S + 1) }, body, NOW_S)).toBe(
    false,
  );
  expect(verifyAppban(SECRET, headers, body, NOW_S + 301)).toBe(false);
  // A fixed vector, computed with `printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test`.
  expect(signWebhook('whsec_test', 1_700_000_000, '{"a":1}')).toBe(
    'sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
  );
});
