import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../cli/context.js';
import { parseAtOption } from '../../cli/time-options.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../compliance/report/render.js';
import type { ReportQuery } from '../../compliance/report/report.types.js';

interface ReportQueryString {
  at?: string;
  ban?: string;
  group?: string;
  format?: ReportFormat;
}

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    at: { type: 'string', maxLength: 40 },
    ban: { type: 'string', maxLength: 100 },
    group: { type: 'string', maxLength: 300 },
    format: { type: 'string', enum: [...REPORT_FORMATS] },
  },
} as const;

const MEDIA: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  table: 'text/plain; charset=utf-8',
};

/** Reports in the CLI's shapes; `/` shows today's report as a page. */
export function registerReportRoutes(app: FastifyInstance, context: Pick<AppContext, 'compliance'>): void {
  const report = (q: ReportQueryString) => {
    const query: ReportQuery = {};
    if (q.at !== undefined) query.at = parseAtOption(q.at, 'end');
    if (q.ban !== undefined) query.banId = q.ban;
    if (q.group !== undefined) query.group = q.group;
    return context.compliance.report(query);
  };
  app.get<{ Querystring: ReportQueryString }>(
    '/api/v1/reports',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const format = request.query.format ?? 'json';
      const body = renderReport(await report(request.query), format);
      if (format === 'csv')
        void reply.header('content-disposition', 'attachment; filename="appban-report.csv"');
      return reply.type(MEDIA[format]).send(body);
    },
  );
  app.get<{ Querystring: ReportQueryString }>(
    '/',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const html = renderReport(await report(request.query), 'html');
      return reply.type(MEDIA.html).send(html);
    },
  );
}
