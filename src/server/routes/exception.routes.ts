import type { FastifyInstance } from 'fastify';
import type { ExceptionSubjects } from '../../bans/ban.types.js';
import { DAY_MS, formatCalendarDate, parseCalendarDate } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import {
  type ExceptionFilter,
  exceptionInForceAt,
  listExceptions,
  type StoredException,
} from '../../store/exception.repository.js';
import { EXCEPTION_STATUSES, type ExceptionStatus } from '../../store/schema.js';
import type { ServerDeps } from '../app.js';
import { callerOf } from '../auth.hooks.js';
import { iso, isoRequired } from '../present.js';
import { exceptionSchema } from './schemas.js';

const idPattern = '^[a-z0-9][a-z0-9._-]*$';
const exceptionId = { type: 'string', minLength: 1, maxLength: 100, pattern: idPattern } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

interface RequestBody {
  banId: string;
  id?: string;
  subjects: ExceptionSubjects;
  reason: string;
  expires: string;
  starts?: string;
  approve?: boolean;
}

export function presentException(e: StoredException, now: number) {
  return {
    id: e.id,
    banId: e.banId,
    subjects: e.subjects,
    reason: e.reason,
    status: e.status,
    requestedBy: e.requestedBy,
    approvedBy: e.approvedBy,
    approvedAt: iso(e.approvedAt),
    startsAt: iso(e.startsAt),
    expiresAt: isoRequired(e.expiresAt),
    lastDay: formatCalendarDate(e.expiresAt - DAY_MS),
    createdAt: isoRequired(e.createdAt),
    revokedAt: iso(e.revokedAt),
    revokedBy: e.revokedBy,
    inForce: exceptionInForceAt(e, now),
  };
}

/** Exceptions: request (or grant at once), approve, revoke, list with the ones expiring soon. */
export function registerExceptionRoutes(app: FastifyInstance, { context, options }: ServerDeps): void {
  const present = (e: StoredException) => presentException(e, context.now());

  app.get<{ Querystring: { ban?: string; status?: ExceptionStatus[]; expiringWithinDays?: number } }>(
    '/api/v1/exceptions',
    {
      config: { access: { see: 'exceptions:read' } },
      schema: {
        summary: 'Stored exceptions, by ban and expiry',
        tags: ['exceptions'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ban: { type: 'string', maxLength: 100 },
            status: { type: 'array', items: { type: 'string', enum: [...EXCEPTION_STATUSES] }, maxItems: 3 },
            expiringWithinDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
        response: {
          200: { type: 'object', properties: { exceptions: { type: 'array', items: exceptionSchema } } },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const now = context.now();
      const filter: ExceptionFilter = {};
      if (q.ban !== undefined) filter.banId = q.ban;
      if (q.status?.length) filter.status = q.status;
      if (q.expiringWithinDays !== undefined) {
        filter.expiring = { from: now, to: now + q.expiringWithinDays * DAY_MS };
      }
      return { exceptions: (await listExceptions(context.store.db, filter)).map(present) };
    },
  );

  app.post<{ Body: RequestBody }>(
    '/api/v1/exceptions',
    {
      config: { access: { see: 'exceptions:read', act: 'exceptions:write' } },
      schema: {
        summary: 'Request an exception; `approve: true` grants it at once',
        tags: ['exceptions'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            banId: { type: 'string', minLength: 1, maxLength: 100 },
            id: exceptionId,
            subjects: {
              type: 'object',
              additionalProperties: false,
              properties: {
                group: { type: 'string', minLength: 1, maxLength: 300 },
                devices: {
                  type: 'array',
                  items: { type: 'string', minLength: 1, maxLength: 200 },
                  maxItems: 1000,
                },
                holders: {
                  type: 'array',
                  items: { type: 'string', minLength: 1, maxLength: 200 },
                  maxItems: 1000,
                },
              },
            },
            reason: { type: 'string', minLength: 1, maxLength: 2000 },
            expires: date,
            starts: date,
            approve: { type: 'boolean' },
          },
          required: ['banId', 'subjects', 'reason', 'expires'],
        },
        response: { 201: exceptionSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const subjects: ExceptionSubjects = {};
      if (body.subjects.group !== undefined) subjects.group = body.subjects.group;
      if (body.subjects.devices?.length) subjects.devices = body.subjects.devices;
      if (body.subjects.holders?.length) subjects.holders = body.subjects.holders;
      if (Object.keys(subjects).length === 0) {
        throw new AppbanError(
          'BAN_EXCEPTION_INCOMPLETE',
          'the exception covers no devices: give a group, devices or holders',
        );
      }
      const expires = parseCalendarDate(body.expires);
      const starts = body.starts === undefined ? undefined : parseCalendarDate(body.starts);
      if (expires === undefined || (body.starts !== undefined && starts === undefined)) {
        throw new AppbanError(
          'BAN_INVALID_DATE',
          'expires and starts must be real calendar dates, YYYY-MM-DD',
        );
      }
      const id = body.id ?? `${body.banId}-x${Date.now().toString(36)}`.slice(0, 100);
      const created = await context.exceptions.request(
        {
          id,
          banId: body.banId,
          subjects,
          reason: body.reason,
          expiresAt: expires + DAY_MS,
          requestedBy: caller.actor,
          ...(starts === undefined ? {} : { startsAt: starts }),
          ...(body.approve ? { approvedBy: caller.actor } : {}),
        },
        caller.actor,
      );
      options.afterChange();
      return reply.status(201).send(present(created));
    },
  );

  for (const action of ['approve', 'revoke'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/exceptions/:id/${action}`,
      {
        config: { access: { see: 'exceptions:read', act: 'exceptions:write' } },
        schema: {
          summary: action === 'approve' ? 'Approve a requested exception' : 'Revoke an exception from now on',
          tags: ['exceptions'],
          params: {
            type: 'object',
            additionalProperties: false,
            properties: { id: exceptionId },
            required: ['id'],
          },
          response: { 200: exceptionSchema },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const changed =
          action === 'approve'
            ? await context.exceptions.approve(request.params.id, caller.actor)
            : await context.exceptions.revoke(request.params.id, caller.actor);
        options.afterChange();
        return present(changed);
      },
    );
  }
}
