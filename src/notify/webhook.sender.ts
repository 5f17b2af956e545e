import { createHmac } from 'node:crypto';
import { redact, type Sender, type SendRequest, type SendResult } from './sender.types.js';

/**
 * Webhooks: a POST of the notification as JSON, signed so that the receiver can tell it came from
 * appban and was not replayed.
 *
 * Headers: `content-type: application/json`, `x-appban-event: <kind>`, `x-appban-delivery: <id>`
 * (the same on every retry: receivers can drop duplicates), `x-appban-timestamp: <unix seconds>`,
 * `x-appban-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the secret>`.
 *
 * Verifying, in Node (reject stale timestamps, compare in constant time, hash the raw bytes):
 *
 * ```js
 * import { createHmac, timingSafeEqual } from 'node:crypto';
 * function verifyAppban(secret, headers, rawBody) {
 *   const timestamp = headers['x-appban-timestamp'];
 *   const signature = headers['x-appban-signature'] ?? '';
 *   if (!/^\d+$/.test(timestamp ?? '') || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
 *   const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
 *   const a = Buffer.from(signature);
 *   const b = Buffer.from(expected);
 *   return a.length === b.length && timingSafeEqual(a, b);
 * }
 * ```
 *
 * Answers: 2xx is delivered; 408, 429, 5xx, timeouts and network errors are retried with backoff;
 * other 4xx and redirects (not followed) fail the delivery at once.
 */

export interface WebhookSenderOptions {
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Per request, body included (default 5000 ms). */
  timeoutMs?: number;
}

/** `sha256=<hex>`: the signature of one request. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookBody(request: Pick<SendRequest, 'notificationId' | 'deliveryId' | 'payload'>): string {
  return JSON.stringify({ id: request.notificationId, delivery: request.deliveryId, ...request.payload });
}

export function createWebhookSender(options: WebhookSenderOptions = {}): Sender {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (request) => {
    const { channel } = request;
    if (!channel.secret) {
      return { outcome: 'failed', statusCode: null, error: 'The webhook channel has no signing secret.' };
    }
    const body = webhookBody(request);
    const timestamp = Math.floor(request.now / 1000);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await doFetch(channel.target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'appban-webhook/1',
          'x-appban-event': request.kind,
          'x-appban-delivery': String(request.deliveryId),
          'x-appban-timestamp': String(timestamp),
          'x-appban-signature': signWebhook(channel.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal,
      });
      const excerpt = await readExcerpt(response);
      return classify(response.status, excerpt, channel.secret);
    } catch (error) {
      return {
        outcome: 'retry',
        statusCode: null,
        error: redact(describeFetchError(error, signal, timeoutMs), [channel.secret, channel.target]),
      };
    }
  };
}

function classify(status: number, excerpt: string, secret: string): SendResult {
  if (status >= 200 && status < 300) return { outcome: 'sent', statusCode: status, error: null };
  const detail = excerpt ? `: ${redact(excerpt, [secret], 200)}` : '';
  if (status >= 300 && status < 400) {
    return {
      outcome: 'failed',
      statusCode: status,
      error: `HTTP ${status}: the receiver redirects; webhooks do not follow redirects, update the URL.`,
    };
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { outcome: 'failed', statusCode: status, error: `HTTP ${status}${detail}` };
  }
  return { outcome: 'retry', statusCode: status, error: `HTTP ${status}${detail}` };
}

/** The start of the answer, for the delivery log; the rest is discarded so the connection is freed. */
async function readExcerpt(response: Response): Promise<string> {
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return '';
  }
  try {
    const text = await response.text();
    return text.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

function describeFetchError(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `No answer within ${timeoutMs} ms.`;
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    // undici's causes name the address (ECONNREFUSED 127.0.0.1:8080) but never the URL's path or query.
    const reason = typeof cause?.message === 'string' ? cause.message : error.message;
    return code && !reason.includes(code) ? `${code}: ${reason}` : reason;
  }
  return 'The request failed.';
}
