import type { FastifyInstance } from 'fastify';
import type { Ban } from '../../bans/ban.types.js';
import { parseAtOption } from '../../cli/time-options.js';
import type { ReportBan } from '../../compliance/report/report.types.js';
import {
  addDuration,
  DAY_MS,
  formatCalendarDate,
  parseCalendarDate,
  parseDuration,
} from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import { listLatestBanRevisions } from '../../store/ban-revision.repository.js';
import { listExceptions, type StoredException } from '../../store/exception.repository.js';
import { complianceTrend, firstChangeAt } from '../../store/queries/compliance-trend.query.js';
import { type NextDeadline, nextRemovalDeadlines } from '../../store/queries/upcoming-deadline.query.js';
import type { ServerDeps } from '../app.js';
import { isoRequired } from '../present.js';
import { countsSchema } from './schemas.js';

const UPCOMING_WINDOW_MS = 90 * DAY_MS;
const EXCEPTION_WINDOW_MS = 30 * DAY_MS;
const TOP_GROUPS = 5;
const DEFAULT_TREND_SPAN_MS = 60 * DAY_MS;
const DEFAULT_POINTS = 30;
const MAX_POINTS = 120;

const UPCOMING_KINDS = ['deadline', 'review', 'exception-expiry', 'minimum-end', 'ban-end'] as const;
type UpcomingKind = (typeof UPCOMING_KINDS)[number];

interface Upcoming {
  kind: UpcomingKind;
  /** ISO 8601; for a day (deadline, review, minimum end, ban end), its midnight UTC. */
  at: string;
  banId: string;
  title: string;
  detail: string;
  exceptionId?: string;
}

const banId = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9._-]*$' } as const;

const overviewSchema = {
  type: 'object',
  properties: {
    at: { type: 'string' },
    bans: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          revision: { type: 'integer' },
          counts: countsSchema,
          topOverdueGroups: {
            type: 'array',
            items: {
              type: 'object',
              properties: { group: { type: ['string', 'null'] }, overdue: { type: 'integer' } },
              required: ['group', 'overdue'],
            },
          },
        },
        required: ['id', 'title', 'revision', 'counts', 'topOverdueGroups'],
      },
    },
    upcoming: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: [...UPCOMING_KINDS] },
          at: { type: 'string' },
          banId: { type: 'string' },
          title: { type: 'string' },
          detail: { type: 'string' },
          exceptionId: { type: 'string' },
        },
        required: ['kind', 'at', 'banId', 'title', 'detail'],
      },
    },
  },
  required: ['at', 'bans', 'upcoming'],
} as const;

interface TrendQuery {
  ban: string;
  from?: string;
  to?: string;
  points: number;
}

/** The dashboard's landing page, and compliance over time for its chart. */
export function registerOverviewRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  const { db } = context.store;

  app.get(
    '/api/v1/overview',
    {
      config: { access: { see: 'reports:read' } },
      schema: {
        summary:
          'Every ban with its counts now, its groups with the most overdue devices, and what is coming up',
        description:
          'Counts are those of the report now. `upcoming` lists, sorted by time, what falls within the next 90 days: ' +
          'per ban, the earliest removal deadline of devices that still violate it (not yet overdue) with how many ' +
          "share it; the review date, the end of the minimum period and the end of the latest revision's period; and " +
          'approved exceptions that expire within 30 days. Days are given as their midnight UTC.',
        tags: ['reports'],
        response: { 200: overviewSchema },
      },
    },
    async () => {
      const now = context.now();
      const [report, latest, deadlines, exceptions] = await Promise.all([
        context.compliance.report({ at: now }),
        listLatestBanRevisions(db),
        nextRemovalDeadlines(db, now),
        listExceptions(db, { expiring: { from: now, to: now + EXCEPTION_WINDOW_MS } }),
      ]);
      const titles = new Map<string, string>(latest.map((r) => [r.banId, r.ban.title]));
      for (const ban of report.bans) if (!titles.has(ban.id)) titles.set(ban.id, ban.title);
      const titleOf = (id: string) => titles.get(id) ?? id;
      const upcoming = [
        ...deadlines.map((d) => deadlineItem(d, titleOf(d.banId))),
        ...latest.flatMap((r) => periodItems(r.banId, r.ban)),
        ...exceptions.map((e) => exceptionItem(e, titleOf(e.banId))),
      ]
        .filter((item) => item.time + (item.day ? DAY_MS : 1) > now && item.time <= now + UPCOMING_WINDOW_MS)
        .sort(
          (a, b) =>
            a.time - b.time ||
            UPCOMING_KINDS.indexOf(a.item.kind) - UPCOMING_KINDS.indexOf(b.item.kind) ||
            a.item.banId.localeCompare(b.item.banId),
        )
        .map((x) => x.item);
      return {
        at: isoRequired(now),
        bans: report.bans.map((ban) => ({
          id: ban.id,
          title: ban.title,
          revision: ban.revision,
          counts: ban.counts,
          topOverdueGroups: topOverdueGroups(ban),
        })),
        upcoming,
      };
    },
  );

  app.get<{ Querystring: TrendQuery }>(
    '/api/v1/reports/trend',
    {
      config: { access: { see: 'reports:read' } },
      schema: {
        summary: "A ban's counts over time",
        description:
          'The counts of the report at `points` instants evenly spaced from `from` to `to`, both included (one ' +
          'point: `to` alone). `to` defaults to now; `from` to 60 days before `to`, or to when the ban first had a ' +
          'finding if that is later. Each is a date (YYYY-MM-DD: `from` its start, `to` its end) or an ISO 8601 ' +
          'instant.',
        tags: ['reports'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ban: banId,
            from: { type: 'string', maxLength: 40 },
            to: { type: 'string', maxLength: 40 },
            points: { type: 'integer', minimum: 1, maximum: MAX_POINTS, default: DEFAULT_POINTS },
          },
          required: ['ban'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              banId: { type: 'string' },
              points: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { at: { type: 'string' }, counts: countsSchema },
                  required: ['at', 'counts'],
                },
              },
            },
            required: ['banId', 'points'],
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const exists = await db.selectFrom('bans').select('id').where('id', '=', q.ban).executeTakeFirst();
      if (!exists) throw new AppbanError('NOT_FOUND', `there is no ban ${q.ban}`);
      const to = q.to === undefined ? context.now() : parseAtOption(q.to, 'end');
      const from = q.from === undefined ? await defaultFrom(q.ban, to) : parseAtOption(q.from, 'start');
      if (q.points > 1 && from >= to) {
        throw new AppbanError(
          'USAGE',
          `from (${isoRequired(from)}) must come before to (${isoRequired(to)})`,
        );
      }
      const instants = evenlySpaced(from, to, q.points);
      const counts = await complianceTrend(db, q.ban, instants);
      return {
        banId: q.ban,
        points: instants.map((at, k) => ({ at: isoRequired(at), counts: counts[k] })),
      };
    },
  );

  async function defaultFrom(ban: string, to: number): Promise<number> {
    const first = await firstChangeAt(db, ban);
    const earliest = to - DEFAULT_TREND_SPAN_MS;
    return first !== null && first > earliest && first < to ? first : earliest;
  }
}

/** `count` instants from `from` to `to`, both included; one instant is `to`. */
function evenlySpaced(from: number, to: number, count: number): number[] {
  if (count === 1) return [to];
  return Array.from({ length: count }, (_, k) =>
    k === count - 1 ? to : from + Math.round((k * (to - from)) / (count - 1)),
  );
}

function topOverdueGroups(ban: ReportBan): Array<{ group: string | null; overdue: number }> {
  return ban.groups
    .filter((g) => g.counts.overdue > 0)
    .sort(
      (a, b) =>
        b.counts.overdue - a.counts.overdue ||
        (a.group === null ? 1 : b.group === null ? -1 : a.group.localeCompare(b.group)),
    )
    .slice(0, TOP_GROUPS)
    .map((g) => ({ group: g.group, overdue: g.counts.overdue }));
}

interface Timed {
  /** Epoch ms, for the window and the order. */
  time: number;
  /** A day rather than an instant: it stays upcoming until the day is over. */
  day: boolean;
  item: Upcoming;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function deadlineItem(deadline: NextDeadline, title: string): Timed {
  return {
    time: deadline.deadline,
    day: true,
    item: {
      kind: 'deadline',
      at: isoRequired(deadline.deadline),
      banId: deadline.banId,
      title,
      detail: `${plural(deadline.devices, 'device has', 'devices have')} until the end of ${formatCalendarDate(deadline.deadline)} to remove the banned app`,
    },
  };
}

function periodItems(banId: string, ban: Ban): Timed[] {
  const out: Timed[] = [];
  const add = (kind: UpcomingKind, time: number | undefined, detail: string) => {
    if (time === undefined) return;
    out.push({ time, day: true, item: { kind, at: isoRequired(time), banId, title: ban.title, detail } });
  };
  const { start, minimum, review, end } = ban.period;
  if (review !== undefined)
    add('review', parseCalendarDate(review), `The ban is due for review on ${review}`);
  const startDay = parseCalendarDate(start);
  const duration = minimum === undefined ? undefined : parseDuration(minimum);
  if (startDay !== undefined && duration !== undefined && minimum !== undefined) {
    const minimumEnd = addDuration(startDay, duration);
    add(
      'minimum-end',
      minimumEnd,
      `The minimum period (${minimum} from ${start}) ends on ${formatCalendarDate(minimumEnd)}`,
    );
  }
  if (end !== undefined) add('ban-end', parseCalendarDate(end), `The ban ends after ${end}`);
  return out;
}

function exceptionItem(exception: StoredException, title: string): Timed {
  return {
    time: exception.expiresAt,
    day: false,
    item: {
      kind: 'exception-expiry',
      at: isoRequired(exception.expiresAt),
      banId: exception.banId,
      title,
      detail: `Exception ${exception.id} (${exception.reason}) expires`,
      exceptionId: exception.id,
    },
  };
}
