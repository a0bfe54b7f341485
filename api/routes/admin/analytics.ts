import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { analyticsReport, siteKpis } from '../../../db/analytics-reports.js';
import { siteExists } from '../../../db/sites.js';
import { NotFoundError, ValidationError } from '../../../lib/errors.js';
import { AnalyticsReportSchema, RangeQuery, resolveRange } from '../../schemas/analytics.js';
import { errorResponses } from '../../schemas/common.js';
import { stoppedExperiments } from '../../services/experiments.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Operator analytics: the platform-wide dashboard and one site's. */
export const adminAnalyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/analytics', {
    config: { operatorAction: 'analytics.platform' },
    schema: {
      tags: ['admin'], summary: 'Platform-wide dashboard, per-site KPIs and the A/B win rate', security: [{ admin: [] }], querystring: RangeQuery,
      response: {
        200: Type.Intersect([AnalyticsReportSchema, Type.Object({
          sites: Type.Array(Type.Object({
            site_id: Type.String(), slug: Type.String(), visitors: Type.Integer(), visitors_per_month: Type.Number(), sessions: Type.Integer(), bookings: Type.Integer(),
            booking_conversion_rate: Type.Number(), average_session_seconds: Type.Number(), purchases: Type.Integer(),
          })),
          experiments: Type.Object({ stopped: Type.Integer(), won_by_variant: Type.Integer(), win_rate: Type.Number() }),
        })]),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    if ('error' in range) throw new ValidationError('invalid_range', range.error);
    const [report, kpis, stopped] = await Promise.all([
      analyticsReport(request.em, null, range.from, range.to),
      siteKpis(request.em.fork(), range.from, range.to),
      stoppedExperiments(request.em.fork(), range.from, range.to),
    ]);
    const won = stopped.filter((e) => e.winner && e.winner !== e.variants[0]?.name).length;
    return {
      from: range.from.toISOString(), to: range.to.toISOString(), ...report,
      sites: kpis.map((k) => ({
        site_id: k.siteId, slug: k.slug, visitors: k.visitors, visitors_per_month: k.visitorsPerMonth, sessions: k.sessions, bookings: k.bookings,
        booking_conversion_rate: k.bookingConversionRate, average_session_seconds: k.averageSessionSeconds, purchases: k.purchases,
      })),
      experiments: { stopped: stopped.length, won_by_variant: won, win_rate: stopped.length === 0 ? 0 : won / stopped.length },
    };
  });

  app.get('/analytics/sites/:id', {
    config: { operatorAction: 'analytics.site' },
    schema: {
      tags: ['admin'], summary: 'One site\'s dashboard', security: [{ admin: [] }], params: IdParams, querystring: RangeQuery,
      response: { 200: AnalyticsReportSchema, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    if (!(await siteExists(request.em, request.params.id))) throw new NotFoundError('site_not_found', 'No such site');
    const range = resolveRange(request.query);
    if ('error' in range) throw new ValidationError('invalid_range', range.error);
    return { from: range.from.toISOString(), to: range.to.toISOString(), ...(await analyticsReport(request.em, request.params.id, range.from, range.to)) };
  });
};
