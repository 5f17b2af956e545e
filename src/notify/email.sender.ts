import { createTransport } from 'nodemailer';
import { AppbanError } from '../lib/errors.js';
import type { NotificationPayload } from './notification.payload.js';
import { redact, type Sender, type SendResult } from './sender.types.js';

/** Where mail goes out: `APPBAN_SMTP_URL` (`smtp://user:pass@host:587` or `smtps://…:465`) and `APPBAN_SMTP_FROM`. */
export interface SmtpConfig {
  url: string;
  from: string;
}

export interface EmailSender {
  send: Sender;
  /** The server, without user or password, for logs. */
  readonly display: string;
  close(): void;
}

export interface EmailSenderOptions extends SmtpConfig {
  /** Connection, greeting and socket timeouts (default 10 000 ms). */
  timeoutMs?: number;
}

interface ParsedSmtpUrl {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  pass: string | undefined;
  display: string;
}

/** The SMTP settings from the environment, or undefined when mail is not configured. */
export function smtpConfigFromEnv(env: Record<string, string | undefined>): SmtpConfig | undefined {
  const url = env.APPBAN_SMTP_URL?.trim();
  const from = env.APPBAN_SMTP_FROM?.trim();
  if (!url) {
    if (from) throw new AppbanError('CONFIG_INVALID', 'APPBAN_SMTP_FROM is set but APPBAN_SMTP_URL is not.');
    return undefined;
  }
  if (!from) throw new AppbanError('CONFIG_INVALID', 'APPBAN_SMTP_URL is set; set APPBAN_SMTP_FROM too.');
  parseSmtpUrl(url);
  return { url, from };
}

/** Reads an SMTP URL; errors never repeat it, since it may carry a password. */
export function parseSmtpUrl(text: string): ParsedSmtpUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppbanError('CONFIG_INVALID', 'The SMTP URL is malformed; use smtp://user:pass@host:587.');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new AppbanError('CONFIG_INVALID', 'The SMTP URL must start with smtp:// or smtps://.');
  }
  if (!url.hostname) throw new AppbanError('CONFIG_INVALID', 'The SMTP URL names no host.');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const pass = url.password ? decodeURIComponent(url.password) : undefined;
  const display = `${url.protocol}//${user ? `${encodeURIComponent(user)}@` : ''}${url.hostname}:${port}`;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure, user, pass, display };
}

/** Sends notifications by SMTP. Plain SMTP upgrades with STARTTLS whenever the server offers it. */
export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const smtp = parseSmtpUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const secrets = [smtp.pass, options.url];
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.pass ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });

  const send: Sender = async (request) => {
    const recipients = request.channel.target.split(',').filter(Boolean);
    const message = renderEmail(request.payload);
    try {
      await transport.sendMail({
        from: options.from,
        to: recipients,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: {
          'x-appban-event': request.kind,
          'x-appban-delivery': String(request.deliveryId),
        },
      });
      return { outcome: 'sent', statusCode: null, error: null };
    } catch (error) {
      return classify(error, secrets);
    }
  };

  return { send, display: smtp.display, close: () => transport.close() };
}

function classify(error: unknown, secrets: ReadonlyArray<string | undefined>): SendResult {
  const e = error as { message?: unknown; responseCode?: unknown; code?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const code = typeof e.code === 'string' ? e.code : null;
  const message = typeof e.message === 'string' ? e.message : 'The SMTP server refused the message.';
  const text = redact(code && !message.includes(code) ? `${code}: ${message}` : message, secrets);
  // 5xx is the server's final word on this message (bad recipient, policy); a login failure is
  // configuration, which an operator can fix before the retries run out.
  const permanent = responseCode !== null && responseCode >= 500 && code !== 'EAUTH';
  return { outcome: permanent ? 'failed' : 'retry', statusCode: responseCode, error: text };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subject, plain text and a simple HTML body for one notification. */
export function renderEmail(payload: NotificationPayload): RenderedEmail {
  const subject = `[appban] ${singleLine(payload.summary)}`.slice(0, 250);
  const rows = detailRows(payload);
  const text = [
    payload.summary,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `Raised ${payload.at} by appban.`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p><strong>${escapeHtml(payload.summary)}</strong></p>`,
    '<table cellpadding="4">',
    ...rows.map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    `<p style="color:#666">Raised ${escapeHtml(payload.at)} by appban.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function detailRows(payload: NotificationPayload): Array<[string, string]> {
  const rows: Array<[string, string]> = [['Ban', `${payload.ban.title} (${payload.ban.id})`]];
  if (payload.kind === 'violation.new' || payload.kind === 'violation.overdue') {
    const d = payload.device;
    rows.push(['Device', `${d.name ?? '(no name)'} (id ${d.id})`]);
    if (d.holder) rows.push(['Holder', d.holder]);
    if (d.group) rows.push(['Group', d.group]);
    if (d.platform) rows.push(['Platform', d.platform]);
    rows.push([
      'Apps',
      payload.apps.map((a) => `${a.name ?? a.app ?? '?'} (${a.identifier})`).join(', ') || '-',
    ]);
    rows.push(['Violating since', payload.since]);
    if (payload.deadline) rows.push(['Removal deadline (last day)', payload.deadline]);
    if (payload.overdueSince) rows.push(['Overdue since', payload.overdueSince]);
  } else if (payload.kind === 'exception.expiring') {
    rows.push(['Exception', payload.exception.id]);
    rows.push(['Reason', payload.exception.reason]);
    if (payload.exception.approvedBy) rows.push(['Approved by', payload.exception.approvedBy]);
    rows.push(['Expires', payload.exception.expiresAt]);
  } else if (payload.kind === 'ban.review-due') {
    rows.push(['Review date', payload.reviewDate]);
    rows.push(['Days left', String(payload.daysLeft)]);
  }
  return rows.map(([label, value]) => [label, singleLine(value)]);
}

function singleLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
