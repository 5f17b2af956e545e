import { expect, it } from 'vitest';
import { AppbanError } from '../../src/lib/errors.js';
import {
  createChannel,
  disableChannel,
  getChannel,
  listChannels,
  type NewChannel,
} from '../../src/notify/channel.repository.js';
import { describeEachDialect } from '../store/harness.js';
import { NOW } from './seed.js';

describeEachDialect('notification channels', ({ store }) => {
  it('generates a webhook secret, returns it once and never lists it', async () => {
    const { db } = store();
    const created = await createChannel(db, {
      kind: 'webhook',
      url: 'https://hooks.example.gov/appban',
      createdBy: 'admin',
      at: NOW,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.channel).toEqual({
      id: created.channel.id,
      kind: 'webhook',
      url: 'https://hooks.example.gov/appban',
      addresses: [],
      events: ['*'],
      createdBy: 'admin',
      createdAt: NOW,
      disabledAt: null,
    });
    const other = await createChannel(db, {
      kind: 'webhook',
      url: 'https://hooks.example.gov/2',
      createdBy: 'admin',
      at: NOW,
    });
    expect(other.secret).not.toBe(created.secret);
    const listed = await listChannels(db);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(JSON.stringify(await getChannel(db, created.channel.id))).not.toContain(created.secret);

    const given = await createChannel(db, {
      kind: 'webhook',
      url: 'http://10.0.0.5:8080/in',
      secret: 'a-secret-of-my-choosing',
      events: ['violation.new', 'violation.new', 'ban.review-due'],
      createdBy: 'admin',
      at: NOW,
    });
    expect(given.secret).toBe('a-secret-of-my-choosing');
    expect(given.channel.events).toEqual(['violation.new', 'ban.review-due']);
  });

  it('stores email recipients and disables channels', async () => {
    const { db } = store();
    const { channel, secret } = await createChannel(db, {
      kind: 'email',
      addresses: [' soc@example.gov ', 'it@example.gov', 'soc@example.gov'],
      events: ['violation.overdue'],
      createdBy: 'admin',
      at: NOW,
    });
    expect(secret).toBeNull();
    expect(channel).toMatchObject({
      kind: 'email',
      url: null,
      addresses: ['soc@example.gov', 'it@example.gov'],
    });
    expect((await disableChannel(db, channel.id, { at: NOW + 1 })).disabledAt).toBe(NOW + 1);
    expect((await disableChannel(db, channel.id, { at: NOW + 2 })).disabledAt).toBe(NOW + 1);
    expect(await listChannels(db)).toEqual([]);
    expect(await listChannels(db, { includeDisabled: true })).toHaveLength(1);
    await expect(disableChannel(db, 999, { at: NOW })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects bad input with USAGE errors that do not repeat a URL', async () => {
    const { db } = store();
    const base = { createdBy: 'admin', at: NOW };
    const bad: Array<[NewChannel, RegExp]> = [
      [{ kind: 'webhook', url: 'ftp://x.example.gov/', ...base }, /https or http/],
      [{ kind: 'webhook', url: 'not a url?token=abc123', ...base }, /malformed/],
      [{ kind: 'webhook', url: 'https://user:pw@x.example.gov/', ...base }, /user name or password/],
      [{ kind: 'webhook', url: 'https://x.example.gov/', secret: 'short', ...base }, /16 to 256/],
      [{ kind: 'webhook', url: 'https://x.example.gov/', events: [], ...base }, /events/],
      [
        { kind: 'webhook', url: 'https://x.example.gov/', events: ['violation.gone'], ...base },
        /Unknown notification kind "violation.gone"/,
      ],
      [
        { kind: 'webhook', url: 'https://x.example.gov/', events: ['*', 'violation.new'], ...base },
        /stands alone/,
      ],
      [{ kind: 'email', addresses: [], ...base }, /at least one/],
      [
        { kind: 'email', addresses: ['soc@example.gov\r\nBcc: x@evil.test'], ...base },
        /not an email address/,
      ],
      [{ kind: 'email', addresses: ['nobody'], ...base }, /not an email address/],
    ];
    for (const [input, message] of bad) {
      const error = await createChannel(db, input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(input)).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('USAGE');
      expect((error as AppbanError).message).toMatch(message);
      expect((error as AppbanError).message).not.toContain('abc123');
      expect((error as AppbanError).message).not.toContain(':pw@');
    }
    expect(await listChannels(db, { includeDisabled: true })).toEqual([]);
  });
});
