import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.log.js';
import type { Database } from '../store/schema.js';
import {
  type CreatedChannel,
  createChannel,
  disableChannel,
  type NewChannel,
  type NotificationChannel,
} from './channel.repository.js';

/** Adds a channel and its audit event in one transaction; the webhook secret is never audited. */
export async function addChannel(db: Kysely<Database>, input: NewChannel): Promise<CreatedChannel> {
  return db.transaction().execute(async (trx) => {
    const created = await createChannel(trx, input);
    const { channel } = created;
    await recordAudit(trx, {
      actor: input.createdBy,
      action: 'channel.created',
      objectType: 'channel',
      objectId: String(channel.id),
      details: {
        kind: channel.kind,
        ...(channel.url === null ? { addresses: channel.addresses } : { url: channel.url }),
        events: channel.events,
      },
      at: input.at,
    });
    return created;
  });
}

/** Disables a channel; audited the first time only. */
export async function removeChannel(
  db: Kysely<Database>,
  id: number,
  by: { actor: string; at: number },
): Promise<NotificationChannel> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('notification_channels')
      .select('disabled_at')
      .where('id', '=', id)
      .executeTakeFirst();
    const channel = await disableChannel(trx, id, { at: by.at });
    if (before && before.disabled_at === null) {
      await recordAudit(trx, {
        actor: by.actor,
        action: 'channel.disabled',
        objectType: 'channel',
        objectId: String(channel.id),
        at: by.at,
      });
    }
    return channel;
  });
}
