import { afterEach, beforeEach, expect, it } from 'vitest';
import { createNotifier, type Notifier } from '../../src/notify/notifier.js';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/receivers.js';
import { describeEachDialect } from '../store/harness.js';
import { startTestServer, type TestServer, tiktokDevice } from './harness.js';

/**
 * The server and the notifier wired as `appban serve` wires them: a check-in that brings a violation
 * commits, kicks the notifier, and a signed webhook arrives, without waiting for the periodic run.
 */
describeEachDialect('notifications after a committed check-in', ({ store }) => {
  let server: TestServer;
  let notifier: Notifier;
  let receiver: WebhookReceiver;
  let secret = '';

  beforeEach(async () => {
    receiver = await startWebhookReceiver({
      secret: () => secret,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    notifier = createNotifier({ db: store().db, intervalMs: 3_600_000, kickDelayMs: 50 });
    server = await startTestServer(store(), { afterChange: () => notifier.kick() });
    notifier.start();
  });
  afterEach(async () => {
    await notifier.stop();
    await server.close();
    await receiver.close();
  });

  it('sends a signed violation.new webhook soon after the check-in commits', async () => {
    const channel = await server.as(server.sessions.admin, {
      method: 'POST',
      url: '/api/v1/notifications/channels',
      payload: { kind: 'webhook', target: receiver.url, events: ['violation.new'] },
    });
    expect(channel.statusCode).toBe(201);
    secret = channel.json().secret;
    const listed = await server.as(server.sessions.admin, {
      method: 'GET',
      url: '/api/v1/notifications/channels',
    });
    expect(listed.body).not.toContain(secret);

    const d = tiktokDevice('NOTIFY1', 0);
    const checkin = await server.app.inject({
      method: 'POST',
      url: '/api/v1/checkin',
      headers: { authorization: `Bearer ${server.tokens.ingest}` },
      payload: {
        device: {
          id: 'NOTIFY1',
          serial: 'NOTIFY1',
          name: 'phone-NOTIFY1',
          platform: 'android',
          ownership: 'owned',
          group: 'federal/finance',
        },
        apps: d.apps,
      },
    });
    expect(checkin.statusCode).toBe(200);
    const deadline = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook?.verified).toBe(true);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      kind: 'violation.new',
      ban: { id: 'be-federal-tiktok-2023' },
      device: { name: 'phone-NOTIFY1' },
    });
    const log = await server.as(server.sessions.auditor, {
      method: 'GET',
      url: '/api/v1/notifications/deliveries',
    });
    expect(log.json().deliveries[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
