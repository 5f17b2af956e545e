import { afterEach, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channel.repository.js';
import { createNotifier, type Notifier, type NotifierLogEntry } from '../../src/notify/notifier.js';
import { describeEachDialect } from '../store/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './receivers.js';
import { HOUR, NOW, seedDevice, seedHistory, seedScenario } from './seed.js';

const SECRET = 'whsec_notifier_0123456789';
const NOW_S = Math.floor(NOW / 1000);

let receiver: WebhookReceiver | undefined;
let notifier: Notifier | undefined;
afterEach(async () => {
  await notifier?.stop();
  notifier = undefined;
  await receiver?.close();
  receiver = undefined;
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachDialect('notifier', ({ store }) => {
  it('scans and delivers in one run, and has nothing left for the next', async () => {
    const { db } = store();
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S });
    await seedScenario(db);
    await createChannel(db, {
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      createdBy: 'admin',
      at: NOW,
    });
    notifier = createNotifier({ db, now: () => NOW });
    expect(await notifier.runOnce()).toEqual({ raised: 4, sent: 4, failed: 0, retried: 0 });
    expect(await notifier.runOnce()).toEqual({ raised: 0, sent: 0, failed: 0, retried: 0 });
    expect(receiver.received.map((r) => r.headers['x-appban-event']).sort()).toEqual([
      'ban.review-due',
      'exception.expiring',
      'violation.new',
      'violation.overdue',
    ]);
  });

  it('never overlaps two runs in one process', async () => {
    const { db } = store();
    await seedScenario(db);
    await createChannel(db, {
      kind: 'webhook',
      url: 'http://127.0.0.1:9/x',
      secret: SECRET,
      createdBy: 'admin',
      at: NOW,
    });
    let clockReads = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fetches = 0;
    const blockingFetch = (async () => {
      fetches++;
      await held;
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    notifier = createNotifier({
      db,
      now: () => {
        clockReads++;
        return NOW;
      },
      fetch: blockingFetch,
    });
    const first = notifier.runOnce();
    await until(() => fetches > 0);
    const readsWhileSending = clockReads;
    const second = notifier.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(clockReads).toBe(readsWhileSending);
    release();
    expect(await first).toMatchObject({ raised: 4, sent: 4 });
    expect(await second).toMatchObject({ raised: 0, sent: 0 });
    expect(clockReads).toBeGreaterThan(readsWhileSending);
  });

  it('runs soon after a kick, logs a failed run instead of throwing, and stops', async () => {
    const { db } = store();
    receiver = await startWebhookReceiver({ secret: () => SECRET, nowSeconds: NOW_S });
    await seedScenario(db);
    await createChannel(db, {
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      events: ['violation.new'],
      createdBy: 'admin',
      at: NOW,
    });
    const logged: NotifierLogEntry[] = [];
    let failNext = true;
    notifier = createNotifier({
      db,
      now: () => {
        if (failNext) {
          failNext = false;
          throw new Error('clock failure');
        }
        return NOW + 2 * HOUR;
      },
      intervalMs: 60_000,
      kickDelayMs: 10,
      log: (entry) => logged.push(entry),
    });
    notifier.kick(); // not started: nothing happens
    notifier.start();
    await until(() => logged.some((e) => e.level === 'error'));
    expect(logged[0]).toMatchObject({ level: 'error', error: new Error('clock failure') });

    notifier.kick();
    await until(() => receiver?.received.length === 1);

    const device = await seedDevice(db, 'laptop-kicked');
    await seedHistory(db, { deviceId: device, from: 'compliant', to: 'violating', at: NOW + HOUR });
    notifier.kick();
    await until(() => receiver?.received.length === 2);
    expect(JSON.parse(receiver.received[1]?.body ?? '{}')).toMatchObject({
      device: { name: 'laptop-kicked' },
    });

    await notifier.stop();
    const device2 = await seedDevice(db, 'laptop-after-stop');
    await seedHistory(db, { deviceId: device2, from: 'compliant', to: 'violating', at: NOW + HOUR });
    notifier.kick();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(2);
  });
});
