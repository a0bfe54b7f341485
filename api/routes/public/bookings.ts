import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordServerEvent } from '../../../db/analytics.js';
import { checkFormToken, issueFormToken } from '../../../lib/analytics/form-token.js';
import { limitAddress } from '../../../lib/client-address.js';
import { AppError, NotFoundError, ValidationError } from '../../../lib/errors.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { CONTACT_PHONE_PATTERN, errorResponses, SingleLine, Slug } from '../../schemas/common.js';
import { checkedInCode } from '../../schemas/documented.js';
import { anonymousVisitor } from '../../services/analytics.js';
import { submitBooking } from '../../services/bookings.js';

const FORM_TOKEN_MAX_AGE_MS = 24 * 3_600_000;

const BookingRequest = Type.Object({
  name: SingleLine(FIELD_LIMITS.personName),
  email: Type.Optional(Type.String({ format: 'email', maxLength: FIELD_LIMITS.email })),
  phone: Type.Optional(Type.String({ minLength: FIELD_LIMITS.contactPhone.min, maxLength: FIELD_LIMITS.contactPhone.max, pattern: CONTACT_PHONE_PATTERN })),
  preferred_time: Type.Optional(SingleLine(FIELD_LIMITS.preferredTime)),
  message: Type.Optional(Type.String({ maxLength: FIELD_LIMITS.contactMessage })),
  kind: Type.Optional(Type.Union([Type.Literal('contact'), Type.Literal('booking')])),
  /** Honeypot: hidden from people, filled in by bots. */
  website: Type.Optional(Type.String({ maxLength: 500 })),
  form_token: Type.String({ maxLength: 100 }),
}, { additionalProperties: false });

/** The public contact / booking form of each hosted site. */
export const bookingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const limits = app.deps.config.bookings;
  const perIp = app.createRateLimit({ max: limits.maxPerIp, timeWindow: limits.rateWindowMs, keyGenerator: (r) => `booking|${limitAddress(r.ip)}|${(r.params as { slug?: string }).slug ?? ''}` });
  const perSite = app.createRateLimit({ max: limits.maxPerSite, timeWindow: limits.rateWindowMs, keyGenerator: (r) => `booking-site|${(r.params as { slug?: string }).slug ?? ''}` });

  app.get('/sites/:slug/bookings/form-token', {
    schema: {
      tags: ['bookings'], summary: 'A signed stamp the contact form sends back (enforces a minimum fill time)',
      params: Type.Object({ slug: Slug }), response: { 200: Type.Object({ token: Type.String() }), ...errorResponses(400, 404) },
    },
  }, async (request, reply) => {
    const site = await app.siteDirectory.find(request.em, request.params.slug);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.params.slug}"`);
    reply.header('cache-control', 'no-store');
    return { token: issueFormToken(app.deps.config.analytics.salt, site.slug) };
  });

  app.post('/sites/:slug/bookings', {
    schema: {
      tags: ['bookings'],
      summary: 'A visitor\'s contact or booking request; the owner (or the platform, for a preview) and the visitor are emailed once',
      params: Type.Object({ slug: Slug }),
      // Checked after the form token (400 contact_required), so a bot that filled the honeypot learns nothing.
      body: checkedInCode(BookingRequest, { anyOf: [{ required: ['email'] }, { required: ['phone'] }] }),
      response: { 202: Type.Object({ status: Type.Literal('received') }), ...errorResponses(400, 404, 429, 503) },
    },
  }, async (request, reply) => {
    for (const limiter of [perIp, perSite]) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
        throw new AppError(429, 'rate_limited', 'Too many messages; try again later', { retry_after: Math.max(1, result.ttlInSeconds) });
      }
    }
    const site = await app.siteDirectory.find(request.em, request.params.slug);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.params.slug}"`);
    const body = request.body;
    const token = checkFormToken(app.deps.config.analytics.salt, site.slug, body.form_token, limits.minFillTimeMs, FORM_TOKEN_MAX_AGE_MS);
    if (!token.ok) {
      const messages = { invalid: 'The form is missing its token; reload the page', too_fast: 'That was quick: please check the form and send it again', expired: 'The form has expired; reload the page' };
      throw new ValidationError(`form_${token.reason}`, messages[token.reason]);
    }
    // A filled honeypot is answered like a success so the bot learns nothing; nothing is stored or sent.
    if (body.website) return reply.status(202).send({ status: 'received' });
    if (!body.email && !body.phone) throw new ValidationError('contact_required', 'Give an email address or a phone number so the business can reach you');

    const visitor = anonymousVisitor(request, app.deps.config.analytics, site.id);
    const bookingId = await submitBooking(app.deps, request.em, site.id, {
      kind: body.kind ?? 'contact',
      name: body.name.trim(),
      email: body.email?.trim().toLowerCase() ?? null,
      phone: body.phone?.trim() ?? null,
      preferredTime: body.preferred_time?.trim() || null,
      message: body.message?.trim() || null,
    }, (error) => request.log.error({ err: error, reqId: request.id }, 'booking workflow could not be started'));
    await recordServerEvent(request.em.fork(), {
      siteId: site.id, type: 'booking_submitted', visitorId: visitor.visitorId, dedupeKey: `booking_submitted:${bookingId}`,
    }, app.deps.config.analytics.sessionTimeoutMs);
    return reply.status(202).send({ status: 'received' });
  });
};
