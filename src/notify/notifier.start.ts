import type { AppContext } from '../cli/context.js';
import type { Io } from '../cli/output.js';
import { smtpConfigFromEnv } from './email.sender.js';
import { createNotifier, type Notifier } from './notifier.js';

/**
 * The notifier of one `appban serve` replica: mail from APPBAN_SMTP_URL / APPBAN_SMTP_FROM when set,
 * webhooks always. Every replica may run one; the store's claims keep each delivery to one sender.
 */
export function startNotifier(context: AppContext, io: Io): Notifier {
  const smtp = smtpConfigFromEnv(process.env);
  const notifier = createNotifier({
    db: context.store.db,
    now: context.now,
    ...(smtp ? { smtp } : {}),
    log: (entry) => {
      if (entry.level === 'error') io.stderr(`notifications: ${entry.message}\n`);
    },
  });
  notifier.start();
  return notifier;
}
