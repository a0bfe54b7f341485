import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError, ValidationError } from '../../../lib/errors.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { countAttempt, LimitKeys } from '../../auth/rate-limit.js';
import { PhotoAnswer, Ticket } from '../../schemas/answers.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import { acceptPhotoBodies, PHOTO_UPLOAD_TYPES, photoBytes, PhotoUploadBody } from '../photo-body.js';
import { Accepted, ReplyBody, Text, TicketId, TicketList, TicketPage, TicketStatus } from '../../schemas/tickets.js';
import { photoDto, uploadPhoto } from '../../services/photos.js';
import { selectCustomerSite } from '../../services/site-access.js';
import { assertTicketTakesPhotos } from '../../services/ticket-photos.js';
import { addReply, customerTicket, endTicket, openTicket, rateTicket, ticketDto, ticketPage, ticketWithMessages } from '../../services/tickets.js';

const OpenTicketBody = Type.Object({
  subject: SingleLine(FIELD_LIMITS.ticketSubject),
  description: Text(FIELD_LIMITS.ticketText),
  site_id: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false });

/** Support tickets for owners: open one about a site, follow it, reply, close it and rate the answer. */
export const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const security = [{ bearer: [] }];
  const keys = LimitKeys.from(app.deps.config);
  const { config } = app.deps;
  acceptPhotoBodies(app, config.photos.maxBytes);

  app.post('/', {
    schema: {
      tags: ['tickets'], summary: 'Open a ticket about one of your sites', security,
      description: 'With one site, site_id may be left out; with several it is required (400 site_selection_required lists them).',
      body: OpenTicketBody, response: { 201: Ticket, ...errorResponses(400, 401, 403, 413, 429) },
    },
  }, async (request, reply) => {
    const site = await selectCustomerSite(request.em, request.customer.id, request.body.site_id, 'tickets.open').catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationError('no_site', 'Support tickets are about a site, and you do not own one yet');
      throw error;
    });
    const { windowMs, max } = app.deps.config.tickets.creationLimit;
    await countAttempt(request.em, reply, keys.key('ticket-create', request.customer.id), { windowMs, max }, 'opening tickets');
    const ticket = await openTicket(app.deps, request.em, {
      customerId: request.customer.id, siteId: site.id, siteSlug: site.slug, subject: request.body.subject.trim(), description: request.body.description.trim(),
    });
    return reply.status(201).send(ticketDto(ticket));
  });

  app.get('/', {
    schema: {
      tags: ['tickets'], summary: 'Your tickets, newest first, optionally for one site or in one status', security,
      querystring: Type.Object({ site_id: Type.Optional(Type.String({ format: 'uuid' })), status: Type.Optional(TicketStatus), ...TicketPage }, { additionalProperties: false }),
      response: { 200: TicketList, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const { site_id: siteId, status, limit, offset } = request.query;
    return ticketPage(request.em, { customerId: request.customer.id, siteId, status }, 'newest', { limit, offset });
  });

  app.get('/:id', {
    schema: { tags: ['tickets'], summary: 'One of your tickets with its messages', security, params: TicketId, response: { 200: Ticket, ...errorResponses(400, 401, 404) } },
  }, async (request) => ticketWithMessages(request.em, await customerTicket(request.em, request.customer.id, request.params.id)));

  app.post('/:id/messages', {
    schema: { tags: ['tickets'], summary: 'Reply on your ticket', security, params: TicketId, body: ReplyBody, response: { 202: Accepted, ...errorResponses(400, 401, 404, 409) } },
  }, async (request, reply) => {
    const ticket = await customerTicket(request.em, request.customer.id, request.params.id);
    await addReply(app.deps, request.em, ticket, 'customer', request.body.body.trim());
    return reply.status(202).send({ accepted: true as const });
  });

  app.post('/:id/close', {
    schema: { tags: ['tickets'], summary: 'Close your ticket', security, params: TicketId, response: { 202: Accepted, ...errorResponses(400, 401, 404, 409) } },
  }, async (request, reply) => {
    await endTicket(app.deps, await customerTicket(request.em, request.customer.id, request.params.id), 'customer');
    return reply.status(202).send({ accepted: true as const });
  });

  app.post('/:id/rating', {
    schema: {
      tags: ['tickets'], summary: 'Rate the answer to your closed ticket (1–5)', security, params: TicketId,
      body: Type.Object({ rating: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false }),
      response: { 200: Ticket, ...errorResponses(400, 401, 404, 409) },
    },
  }, async (request) => {
    const ticket = await customerTicket(request.em, request.customer.id, request.params.id);
    await rateTicket(request.em, ticket, request.body.rating);
    return ticketDto(await customerTicket(request.em.fork(), request.customer.id, ticket.id));
  });

  app.post('/:id/photos', {
    schema: {
      tags: ['tickets'], summary: 'Attach a photo to your ticket (an agent can then place it on your site, for your approval)', security, params: TicketId,
      description: 'The request body is the file itself (JPEG, PNG, WebP or AVIF; its type is read from its bytes). SVG and other markup: 415; past the size or pixel limit: 413.',
      consumes: PHOTO_UPLOAD_TYPES,
      querystring: Type.Object({ alt: Type.Optional(SingleLine(200, 'What the photo shows')) }, { additionalProperties: false }),
      body: PhotoUploadBody,
      response: { 201: PhotoAnswer, ...errorResponses(400, 401, 404, 409, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const ticket = await customerTicket(request.em, request.customer.id, request.params.id);
    assertTicketTakesPhotos(ticket);
    const { photos: limits } = config;
    await countAttempt(request.em, reply, keys.key('photo-upload', request.customer.id), { max: limits.maxUploadsPerCustomer, windowMs: limits.uploadWindowMs }, 'for photo uploads');
    const photo = await uploadPhoto(app.photos, config, request.em, {
      siteId: ticket.site.id, kind: 'ticket', ticketId: ticket.id, customerId: request.customer.id, alt: request.query.alt?.trim() ?? null, bytes: photoBytes(request.body),
    });
    return reply.status(201).send(photoDto(photo));
  });
};
