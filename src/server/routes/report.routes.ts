import type { FastifyInstance } from 'fastify';
import { parseAtOption } from '../../cli/time-options.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../compliance/report/render.js';
import type { ReportQuery } from '../../compliance/report/report.types.js';
import type { ServerDeps } from '../app.js';

interface ReportQueryString {
  at?: string;
  ban?: string;
  group?: string;
  format?: ReportFormat;
  download?: boolean;
}

const MEDIA: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  table: 'text/plain; charset=utf-8',
};

const EXTENSION: Record<ReportFormat, string> = { json: 'json', csv: 'csv', html: 'html', table: 'txt' };

/** Reports in the CLI's shapes, now or at any past instant. */
export function registerReportRoutes(app: FastifyInstance, { context }: ServerDeps): void {
  app.get<{ Querystring: ReportQueryString }>(
    '/api/v1/reports',
    {
      config: { access: { see: 'reports:read' } },
      schema: {
        summary: 'Compliance now or at a past instant, in the shapes of `appban report`',
        description:
          '`at` is a date (the end of that UTC day) or an ISO 8601 instant. CSV always downloads as a file; `download=true` makes any format a file.',
        tags: ['reports'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            at: { type: 'string', maxLength: 40 },
            ban: { type: 'string', maxLength: 100 },
            group: { type: 'string', maxLength: 300 },
            format: { type: 'string', enum: [...REPORT_FORMATS] },
            download: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const query: ReportQuery = {};
      if (q.at !== undefined) query.at = parseAtOption(q.at, 'end');
      if (q.ban !== undefined) query.banId = q.ban;
      if (q.group !== undefined) query.group = q.group;
      const format = q.format ?? 'json';
      const report = await context.compliance.report(query);
      const body = renderReport(report, format);
      if (format === 'csv' || q.download) {
        const day = report.at.slice(0, 10);
        void reply.header(
          'content-disposition',
          `attachment; filename="appban-report-${day}.${EXTENSION[format]}"`,
        );
      }
      return reply.type(MEDIA[format]).send(body);
    },
  );
}
