/** Notifications: channels, the scanner that raises notifications, the senders, the worker, the log. */
export {
  type CreatedChannel,
  createChannel,
  disableChannel,
  getChannel,
  listChannels,
  type NewChannel,
  type NotificationChannel,
} from './channel.repository.js';
export { type Backoff, type DeliverResult, deliverDue, exponentialBackoff } from './deliver.js';
export {
  type DeliveryAttempt,
  type DeliveryLogEntry,
  listDeliveries,
  listNotifications,
  type Page,
  type StoredNotification,
} from './delivery-log.js';
export { createEmailSender, renderEmail, type SmtpConfig, smtpConfigFromEnv } from './email.sender.js';
export { NOTIFICATION_KINDS, type NotificationKind } from './notification.kinds.js';
export type { NotificationPayload } from './notification.payload.js';
export {
  createNotifier,
  type Notifier,
  type NotifierLogEntry,
  type NotifierOptions,
  type RunSummary,
} from './notifier.js';
export { type ScanOptions, type ScanResult, scanForNotifications } from './scan.js';
export type { Sender, Senders, SendRequest, SendResult } from './sender.types.js';
export { createWebhookSender, signWebhook } from './webhook.sender.js';
