import { afterEach, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channel.repository.js';
import { deliverDue } from '../../src/notify/deliver.js';
import {
  createEmailSender,
  type EmailSender,
  parseSmtpUrl,
  smtpConfigFromEnv,
} from '../../src/notify/email.sender.js';
import { scanForNotifications } from '../../src/notify/scan.js';
import type { Store } from '../../src/store/store.js';
import { describeEachDialect } from '../store/harness.js';
import { type SmtpReceiver, startSmtpReceiver } from './receivers.js';
import { NOW, seedScenario } from './seed.js';

const USER = 'notifier';
const PASSWORD = 'S3cret-smtp-pass!';

let smtp: SmtpReceiver | undefined;
let sender: EmailSender | undefined;
afterEach(async () => {
  sender?.close();
  sender = undefined;
  await smtp?.close();
  smtp = undefined;
});

async function newViolationByEmail(store: Store): Promise<void> {
  await seedScenario(store.db);
  await createChannel(store.db, {
    kind: 'email',
    addresses: ['soc@example.gov', 'it-lead@example.gov'],
    events: ['violation.new'],
    createdBy: 'admin',
    at: NOW,
  });
  expect(await scanForNotifications(store.db, { now: NOW })).toMatchObject({ deliveries: 1 });
}

describeEachDialect('email delivery', ({ store }) => {
  it('mails a new violation with its subject, recipients and details', async () => {
    smtp = await startSmtpReceiver({ user: USER, pass: PASSWORD });
    await newViolationByEmail(store());
    sender = createEmailSender({
      url: `smtp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${smtp.port}`,
      from: 'appban@example.gov',
    });
    expect(await deliverDue(store().db, { now: NOW, senders: { email: sender.send } })).toMatchObject({
      sent: 1,
    });

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail?.subject).toBe('[appban] New violation: TikTok on laptop-123 (be-federal-tiktok-2023)');
    expect(mail?.from).toBe('appban@example.gov');
    expect(mail?.to).toEqual(['soc@example.gov', 'it-lead@example.gov']);
    expect(mail?.raw).toContain('X-Appban-Event: violation.new');
    expect(mail?.raw).toContain('Holder: carol@example.gov');
    expect(mail?.raw).toContain('text/html');

    const attempts = await store().db.selectFrom('notification_attempts').selectAll().execute();
    expect(attempts).toMatchObject([{ outcome: 'sent', attempt: 1 }]);
    expect(JSON.stringify(attempts)).not.toContain(PASSWORD);
  });

  it('keeps the SMTP password out of the delivery log when the login fails', async () => {
    smtp = await startSmtpReceiver({ user: USER, pass: 'the-right-password' });
    await newViolationByEmail(store());
    sender = createEmailSender({
      url: `smtp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${smtp.port}`,
      from: 'appban@example.gov',
    });
    expect(await deliverDue(store().db, { now: NOW, senders: { email: sender.send } })).toMatchObject({
      retried: 1,
    });
    expect(smtp.received).toHaveLength(0);
    const attempts = await store().db.selectFrom('notification_attempts').selectAll().execute();
    expect(attempts).toMatchObject([{ outcome: 'retry', status_code: 535 }]);
    expect(attempts[0]?.error).toMatch(/EAUTH/);
    const deliveries = await store().db.selectFrom('notification_deliveries').selectAll().execute();
    const logged = JSON.stringify([attempts, deliveries]);
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('waits for mail to be configured instead of dropping email deliveries', async () => {
    await newViolationByEmail(store());
    expect(await deliverDue(store().db, { now: NOW, senders: {} })).toMatchObject({ retried: 1 });
    const [delivery] = await store().db.selectFrom('notification_deliveries').selectAll().execute();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery?.last_error).toContain('APPBAN_SMTP_URL');
  });
});

it('reads SMTP settings without ever repeating the password', () => {
  expect(parseSmtpUrl('smtp://user:p%40ss@mail.example.gov:2525')).toMatchObject({
    host: 'mail.example.gov',
    port: 2525,
    secure: false,
    user: 'user',
    pass: 'p@ss',
    display: 'smtp://user@mail.example.gov:2525',
  });
  expect(parseSmtpUrl('smtps://mail.example.gov')).toMatchObject({ port: 465, secure: true });
  expect(() => parseSmtpUrl('http://user:hunter2hunter2@mail')).toThrow(/smtp:\/\//);
  try {
    parseSmtpUrl('smtp://user:hunter2hunter2@[bad');
    expect.unreachable();
  } catch (error) {
    expect(String(error)).not.toContain('hunter2hunter2');
  }
  expect(smtpConfigFromEnv({})).toBeUndefined();
  expect(() => smtpConfigFromEnv({ APPBAN_SMTP_URL: 'smtp://mail:25' })).toThrow(/APPBAN_SMTP_FROM/);
  expect(smtpConfigFromEnv({ APPBAN_SMTP_URL: 'smtp://mail:25', APPBAN_SMTP_FROM: 'a@b.gov' })).toEqual({
    url: 'smtp://mail:25',
    from: 'a@b.gov',
  });
});
