import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { analyticsReport } from '../../../db/analytics-reports.js';
import { ValidationError } from '../../../lib/errors.js';
import { AnalyticsReportSchema, RangeQuery, resolveRange } from '../../schemas/analytics.js';
import { errorResponses } from '../../schemas/common.js';
import { markBooking, siteBookings } from '../../services/bookings.js';

const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const BookingStatus = Type.Union([Type.Literal('new'), Type.Literal('contacted'), Type.Literal('booked'), Type.Literal('closed'), Type.Literal('spam')]);
const BookingDto = Type.Object({
  id: Type.String(), kind: Type.String(), name: Type.String(), email: Type.Union([Type.String(), Type.Null()]), phone: Type.Union([Type.String(), Type.Null()]),
  preferred_time: Type.Union([Type.String(), Type.Null()]), message: Type.Union([Type.String(), Type.Null()]), status: BookingStatus,
  created_at: Type.String({ format: 'date-time' }), status_changed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** The owner's view of one site: its bookings (list, mark) and its analytics dashboard. */
export const siteAnalyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {

  app.get('/sites/:siteId/bookings', {
    config: { action: 'bookings.read' },
    schema: {
      tags: ['bookings'], summary: 'Bookings and contact requests of one of your sites, newest first', security: [{ bearer: [] }],
      params: SiteParams,
      querystring: Type.Object({ status: Type.Optional(BookingStatus), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }) }),
      response: { 200: Type.Object({ bookings: Type.Array(BookingDto), total: Type.Integer() }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    return siteBookings(request.em, request.params.siteId, request.query);
  });

  app.patch('/sites/:siteId/bookings/:bookingId', {
    config: { action: 'bookings.update' },
    schema: {
      tags: ['bookings'], summary: 'Mark a booking (contacted, booked, closed, spam)', security: [{ bearer: [] }],
      params: Type.Object({ siteId: Type.String({ format: 'uuid' }), bookingId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ status: BookingStatus }, { additionalProperties: false }),
      response: { 200: BookingDto, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    return markBooking(request.em, request.params.siteId, request.params.bookingId, request.body.status);
  });

  app.get('/sites/:siteId/analytics', {
    config: { action: 'analytics.read' },
    schema: {
      tags: ['analytics'], summary: 'Visitors, sessions, sources, funnels and bookings of one of your sites over a date range', security: [{ bearer: [] }],
      params: SiteParams, querystring: RangeQuery, response: { 200: AnalyticsReportSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    if ('error' in range) throw new ValidationError('invalid_range', range.error);
    return { from: range.from.toISOString(), to: range.to.toISOString(), ...(await analyticsReport(request.em, request.params.siteId, range.from, range.to)) };
  });
};
