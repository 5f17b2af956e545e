import type { ChannelKind } from '../store/schema.js';
import type { ChannelForSending } from './channel.repository.js';
import type { NotificationPayload } from './notification.payload.js';

/** One delivery to hand to a sender. */
export interface SendRequest {
  deliveryId: number;
  notificationId: number;
  kind: string;
  payload: NotificationPayload;
  channel: ChannelForSending;
  /** The clock, for the signature timestamp. */
  now: number;
}

/**
 * `sent`: done. `retry`: worth trying again later (timeouts, 5xx, 408/429, network errors).
 * `failed`: trying again cannot help (the receiver rejected it). `error` never holds a secret.
 */
export interface SendResult {
  outcome: 'sent' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
}

export type Sender = (request: SendRequest) => Promise<SendResult>;

export type Senders = Partial<Record<ChannelKind, Sender>>;

/** Removes every occurrence of the given secrets from a text, and bounds its length. */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>, max = 500): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
