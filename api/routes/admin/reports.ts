import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../schemas/common.js';
import { buildReport, MAX_REPORT_MONTHS, REPORT_KEYS, reportCsv, reportFileName, reportWindow } from '../../services/reports.js';

const Month = (description: string) => Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: `${description} (YYYY-MM, UTC)` });
const ReportParams = Type.Object({ report: Type.Enum(REPORT_KEYS, { description: 'Which report' }) });
const WindowQuery = {
  from: Type.Optional(Month('First month of the window; default 23 months before "to"')),
  to: Type.Optional(Month(`Last month of the window, at most ${MAX_REPORT_MONTHS} months after "from"; default the current month`)),
};
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);

const ReportAnswer = Type.Object({
  key: Type.Enum(REPORT_KEYS),
  title: Type.String(),
  description: Type.String(),
  from: Type.String(),
  to: Type.String(),
  columns: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.String(),
    kind: Type.Enum(['text', 'month', 'date', 'count', 'number', 'money', 'percent']),
  })),
  rows: Type.Array(Type.Record(Type.String(), Cell), { description: 'The table; money as decimal amounts in the row currency, percentages from 0 to 100' }),
  total_rows: Type.Integer({ minimum: 0, description: 'Rows in the whole report (the CSV); `rows` stops at `limit`' }),
  summary: Type.Array(Type.Object({ label: Type.String(), value: Type.String() })),
});

/** The console's business reports (admin role): each as JSON for the page and as a CSV download. */
export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];
  const config = { operatorAction: 'reports.read' as const };

  app.get('/reports/:report.csv', {
    config,
    schema: {
      tags, security, summary: 'A business report as a CSV file (all rows; text that a spreadsheet would run as a formula is neutralised)',
      params: ReportParams, querystring: Type.Object(WindowQuery, { additionalProperties: false }),
      produces: ['text/csv'], response: { 200: Type.String(), ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const report = await buildReport(request.em, request.params.report, reportWindow(request.query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(report)}"`)
      .header('cache-control', 'no-store')
      .send(reportCsv(report));
  });

  app.get('/reports/:report', {
    config,
    schema: {
      tags, security, summary: 'A business report: sites per customer, revenue per month or per site, MRR history, churn, cohorts, owners who never activated',
      params: ReportParams,
      querystring: Type.Object({ ...WindowQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500, description: 'Most rows to answer' })) }, { additionalProperties: false }),
      response: { 200: ReportAnswer, ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const report = await buildReport(request.em, request.params.report, reportWindow(request.query));
    reply.header('cache-control', 'no-store');
    return { ...report, rows: report.rows.slice(0, request.query.limit ?? 500), total_rows: report.rows.length };
  });
};
