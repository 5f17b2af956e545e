import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startWebhookReceiver, type WebhookReceiver } from './receivers.js';

let receiver: WebhookReceiver | undefined;
afterEach(async () => receiver?.close());

it('appban notify: add a webhook, send what is due once, show the delivery log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'appban-notify-cli-'));
  const db = ['--db', `sqlite:${join(dir, 'a.db')}`];
  let secret = '';
  receiver = await startWebhookReceiver({ secret: () => secret, nowSeconds: Math.floor(Date.now() / 1000) });
  expect((await runCli(['apply', 'examples/be-federal-tiktok-2023.yaml', ...db])).code).toBe(0);
  const added = await runCli([
    'notify',
    'add-webhook',
    receiver.url,
    '--events',
    'violation.new',
    '--json',
    ...db,
  ]);
  expect(added.code).toBe(0);
  secret = JSON.parse(added.stdout).secret;
  expect(secret).toMatch(/^whsec_/);
  const listed = await runCli(['notify', 'channels', ...db]);
  expect(listed.stdout).toContain(receiver.url);
  expect(listed.stdout).not.toContain(secret);

  const csv = join(dir, 'inventory.csv');
  const seen = new Date(Date.now() - 86_400_000).toISOString();
  writeFileSync(
    csv,
    `device_id,platform,app_id,app_name,observed_at,ownership,group\nP1,android,com.zhiliaoapp.musically,TikTok,${seen},owned,federal\n`,
  );
  expect((await runCli(['ingest', csv, ...db])).code).toBe(0);
  const run = await runCli(['notify', 'run', '--json', ...db]);
  expect(run.code).toBe(0);
  // New and (P0D deadline, seen yesterday) overdue; the channel wants only the first.
  expect(JSON.parse(run.stdout)).toMatchObject({ raised: 2, sent: 1 });
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0]?.verified).toBe(true);
  expect(JSON.parse((await runCli(['notify', 'run', '--json', ...db])).stdout)).toMatchObject({
    raised: 0,
    sent: 0,
  });
  const log = await runCli(['notify', 'deliveries', '--json', ...db]);
  expect(JSON.parse(log.stdout).deliveries[0]).toMatchObject({ status: 'sent', attempts: 1 });
  expect((await runCli(['notify', 'disable', '1', ...db])).code).toBe(0);
  expect((await runCli(['notify', 'deliveries', '--status', 'bogus', ...db])).code).toBe(2);
  const audit = await runCli(['audit', 'verify', '--json', ...db]);
  expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true });
});
