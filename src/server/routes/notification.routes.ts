import type { FastifyInstance } from 'fastify';
import { AppbanError } from '../../lib/errors.js';
import type { NotificationChannel } from '../../notify/channel.repository.js';
import { listChannels } from '../../notify/channel.repository.js';
import { addChannel, removeChannel } from '../../notify/channel.service.js';
import { listDeliveries } from '../../notify/delivery-log.js';
import { NOTIFICATION_KINDS } from '../../notify/notification.kinds.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../store/schema.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';
import { iso, isoRequired } from '../present.js';

const channelSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    url: { type: ['string', 'null'] },
    addresses: { type: 'array', items: { type: 'string' } },
    events: { type: 'array', items: { type: 'string' } },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    disabledAt: { type: ['string', 'null'] },
    secret: { type: 'string' },
  },
} as const;

function present(c: NotificationChannel) {
  return { ...c, createdAt: isoRequired(c.createdAt), disabledAt: iso(c.disabledAt) };
}

interface ChannelBody {
  kind: 'webhook' | 'email';
  target: string;
  secret?: string;
  events?: string[];
}

/** Where notifications go (webhooks, email) and the log of every delivery attempt. */
export function registerNotificationRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  const { db } = context.store;

  app.get(
    '/api/v1/notifications/channels',
    {
      config: { access: { see: 'notifications:read' } },
      schema: {
        summary: 'Notification channels (never their secrets)',
        tags: ['notifications'],
        response: {
          200: { type: 'object', properties: { channels: { type: 'array', items: channelSchema } } },
        },
      },
    },
    async () => ({ channels: (await listChannels(db)).map(present) }),
  );

  app.post<{ Body: ChannelBody }>(
    '/api/v1/notifications/channels',
    {
      config: { access: { see: 'notifications:read', act: 'notifications:write' } },
      schema: {
        summary: 'Add a webhook (its signing secret is in this answer only) or email channel',
        description:
          'Webhook deliveries carry `x-appban-signature: sha256=<hex HMAC-SHA256 of "<x-appban-timestamp>.<body>">` (see docs/notifications.md). `target` is the URL, or comma-separated email addresses.',
        tags: ['notifications'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['webhook', 'email'] },
            target: { type: 'string', minLength: 3, maxLength: 4000 },
            secret: { type: 'string', minLength: 16, maxLength: 256 },
            events: {
              type: 'array',
              items: { type: 'string', enum: ['*', ...NOTIFICATION_KINDS] },
              minItems: 1,
              maxItems: 10,
            },
          },
          required: ['kind', 'target'],
        },
        response: { 201: channelSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const at = context.now();
      if (body.kind === 'email' && body.secret !== undefined) {
        throw new AppbanError('USAGE', 'an email channel takes no secret');
      }
      const created = await addChannel(
        db,
        body.kind === 'webhook'
          ? {
              kind: 'webhook',
              url: body.target,
              ...(body.secret === undefined ? {} : { secret: body.secret }),
              ...(body.events === undefined ? {} : { events: body.events }),
              createdBy: caller.actor,
              at,
            }
          : {
              kind: 'email',
              addresses: body.target
                .split(',')
                .map((a) => a.trim())
                .filter((a) => a !== ''),
              ...(body.events === undefined ? {} : { events: body.events }),
              createdBy: caller.actor,
              at,
            },
      );
      return reply.status(201).send({
        ...present(created.channel),
        ...(created.secret === null ? {} : { secret: created.secret }),
      });
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/v1/notifications/channels/:id',
    {
      config: { access: { see: 'notifications:read', act: 'notifications:write' } },
      schema: {
        summary: 'Disable a channel; its pending deliveries are dropped',
        tags: ['notifications'],
        params: {
          type: 'object',
          additionalProperties: false,
          properties: { id: { type: 'integer', minimum: 1 } },
          required: ['id'],
        },
        response: { 200: channelSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const at = context.now();
      return present(await removeChannel(db, request.params.id, { actor: caller.actor, at }));
    },
  );

  app.get<{ Querystring: { status?: DeliveryStatus; before?: number; limit?: number } }>(
    '/api/v1/notifications/deliveries',
    {
      config: { access: { see: 'notifications:read' } },
      schema: {
        summary: 'The delivery log: every notification sent or tried, with each attempt',
        tags: ['notifications'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...DELIVERY_STATUSES] },
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              deliveries: { type: 'array', items: { type: 'object', additionalProperties: true } },
              nextBefore: { type: ['integer', 'null'] },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listDeliveries(db, {
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.before === undefined ? {} : { beforeId: q.before }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      });
      return {
        deliveries: page.items.map((d) => ({
          ...d,
          nextAttemptAt: iso(d.nextAttemptAt),
          updatedAt: isoRequired(d.updatedAt),
          log: d.log.map((a) => ({ ...a, at: isoRequired(a.at) })),
        })),
        nextBefore: page.nextBeforeId,
      };
    },
  );
}
