import { randomBytes } from 'node:crypto';
import { AppbanError } from '../lib/errors.js';
import type { Executor } from '../store/executor.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { ChannelKind, NotificationChannelRow } from '../store/schema.js';
import { type EventFilter, isNotificationKind, NOTIFICATION_KINDS } from './notification.kinds.js';

/** A channel as the API and CLI show it: never its secret. */
export interface NotificationChannel {
  id: number;
  kind: ChannelKind;
  /** Webhooks: the URL. */
  url: string | null;
  /** Email: the recipients. */
  addresses: string[];
  events: string[];
  createdBy: string;
  createdAt: number;
  disabledAt: number | null;
}

/** What a sender needs, secret included; stays inside the notify module. */
export interface ChannelForSending {
  id: number;
  kind: ChannelKind;
  target: string;
  secret: string | null;
  disabledAt: number | null;
}

export type NewChannel =
  | {
      kind: 'webhook';
      url: string;
      secret?: string;
      events?: readonly string[];
      createdBy: string;
      at: number;
    }
  | {
      kind: 'email';
      addresses: readonly string[];
      events?: readonly string[];
      createdBy: string;
      at: number;
    };

export interface CreatedChannel {
  channel: NotificationChannel;
  /** The webhook signing secret, shown this once; null for email channels. */
  secret: string | null;
}

const MAX_URL_LENGTH = 2048;
const MAX_ADDRESSES = 50;
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 256;
// Deliberately plain: the SMTP server has the final word; this only catches typos and header tricks.
const EMAIL_RE = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/;

export function channelRowToChannel(row: NotificationChannelRow): NotificationChannel {
  return {
    id: row.id,
    kind: row.kind,
    url: row.kind === 'webhook' ? row.target : null,
    addresses: row.kind === 'email' ? row.target.split(',') : [],
    events: parseJsonColumn<string[]>(row.events, 'notification_channels', 'events'),
    createdBy: row.created_by,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Stores a new channel; a webhook without a secret gets a random one, returned only here. */
export async function createChannel(db: Executor, input: NewChannel): Promise<CreatedChannel> {
  const events = validateEvents(input.events ?? ['*']);
  let target: string;
  let secret: string | null = null;
  if (input.kind === 'webhook') {
    target = validateWebhookUrl(input.url);
    secret = input.secret === undefined ? generateSecret() : validateSecret(input.secret);
  } else if (input.kind === 'email') {
    target = validateAddresses(input.addresses).join(',');
  } else {
    throw new AppbanError('USAGE', 'A channel kind must be webhook or email.');
  }
  if (!input.createdBy.trim()) throw new AppbanError('USAGE', 'A channel needs the name of who created it.');
  const row = await db
    .insertInto('notification_channels')
    .values({
      kind: input.kind,
      target,
      secret,
      events: JSON.stringify(events),
      created_by: input.createdBy,
      created_at: input.at,
      disabled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { channel: channelRowToChannel(row), secret };
}

export async function getChannel(db: Executor, id: number): Promise<NotificationChannel | undefined> {
  const row = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && channelRowToChannel(row);
}

/** Channels by id; disabled ones only when asked for. */
export async function listChannels(
  db: Executor,
  options: { includeDisabled?: boolean } = {},
): Promise<NotificationChannel[]> {
  let query = db.selectFrom('notification_channels').selectAll().orderBy('id');
  if (!options.includeDisabled) query = query.where('disabled_at', 'is', null);
  return (await query.execute()).map(channelRowToChannel);
}

/** Stops a channel receiving new notifications; its pending deliveries end as failed. Disabling twice keeps the first time. */
export async function disableChannel(
  db: Executor,
  id: number,
  options: { at: number },
): Promise<NotificationChannel> {
  await db
    .updateTable('notification_channels')
    .set({ disabled_at: options.at })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .execute();
  const channel = await getChannel(db, id);
  if (!channel) throw new AppbanError('NOT_FOUND', `There is no notification channel ${id}.`);
  return channel;
}

/** Channels of the given ids with their secrets, for the deliverer. */
export async function loadChannelsForSending(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, ChannelForSending>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('notification_channels')
    .select(['id', 'kind', 'target', 'secret', 'disabled_at'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, kind: r.kind, target: r.target, secret: r.secret, disabledAt: r.disabled_at },
    ]),
  );
}

function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function validateEvents(events: readonly string[]): EventFilter {
  if (!Array.isArray(events) || events.length === 0) {
    throw new AppbanError('USAGE', `A channel's events must list notification kinds, or be ["*"].`);
  }
  if (events.includes('*')) {
    if (events.length > 1)
      throw new AppbanError('USAGE', 'The events "*" stands alone: it already means all.');
    return ['*'];
  }
  const kinds = [...new Set(events)];
  for (const kind of kinds) {
    if (typeof kind !== 'string' || !isNotificationKind(kind)) {
      throw new AppbanError(
        'USAGE',
        `Unknown notification kind ${JSON.stringify(String(kind).slice(0, 64))}; use ${NOTIFICATION_KINDS.join(', ')} or *.`,
      );
    }
  }
  return kinds.filter(isNotificationKind);
}

function validateWebhookUrl(text: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_URL_LENGTH) {
    throw new AppbanError('USAGE', `A webhook URL must be 1 to ${MAX_URL_LENGTH} characters.`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    // The URL is not repeated: it may carry a token.
    throw new AppbanError('USAGE', 'The webhook URL is malformed; give an absolute http:// or https:// URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppbanError('USAGE', `A webhook URL must use https or http, not ${url.protocol.slice(0, -1)}.`);
  }
  if (url.username || url.password) {
    throw new AppbanError(
      'USAGE',
      'A webhook URL may not carry a user name or password; receivers verify the signature instead.',
    );
  }
  return url.toString();
}

function validateSecret(secret: string): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
    throw new AppbanError(
      'USAGE',
      `A webhook secret must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters (or left out to generate one).`,
    );
  }
  if (/[\s\p{Cc}]/u.test(secret)) {
    throw new AppbanError('USAGE', 'A webhook secret may not contain spaces or control characters.');
  }
  return secret;
}

function validateAddresses(addresses: readonly string[]): string[] {
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new AppbanError('USAGE', 'An email channel needs at least one address.');
  }
  if (addresses.length > MAX_ADDRESSES) {
    throw new AppbanError('USAGE', `An email channel takes at most ${MAX_ADDRESSES} addresses.`);
  }
  const seen = new Set<string>();
  for (const raw of addresses) {
    const address = typeof raw === 'string' ? raw.trim() : '';
    if (address.length > 254 || !EMAIL_RE.test(address)) {
      throw new AppbanError('USAGE', `${JSON.stringify(address.slice(0, 64))} is not an email address.`);
    }
    seen.add(address);
  }
  return [...seen];
}
