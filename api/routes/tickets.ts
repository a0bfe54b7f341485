import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Type } from 'typebox';
import { SupportTicket, TicketAction } from '../../db/entities/index.js';
import type { ITicketAction } from '../../db/entities/ticket-action.entity.js';
import { TICKET_STATUSES, type ISupportTicket } from '../../db/entities/support-ticket.entity.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { authenticate } from '../auth/authenticate.js';
import { authenticateAdmin } from '../auth/admin.js';
import { countAttempt, limitKey } from '../auth/rate-limit.js';
import { errorResponses } from '../schemas/common.js';
import { selectCustomerSite } from '../services/site-selection.js';
import { addReply, agentTicket, customerTicket, endTicket, openTicket, rateTicket, ticketDto, ticketWithMessages } from '../services/tickets.js';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Status = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)));
const TicketId = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Message = Type.Object({ id: Type.String(), author_type: Type.String(), body: Type.String(), created_at: Type.String({ format: 'date-time' }) });
const Ticket = Type.Object({
  id: Type.String({ format: 'uuid' }),
  site_id: Type.String({ format: 'uuid' }),
  site_slug: Type.String(),
  subject: Type.String(),
  description: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  priority: Type.String(),
  status: Type.String(),
  ai_confidence: Type.Union([Type.Number(), Type.Null()]),
  sla_due_at: Type.Union([Type.String(), Type.Null()]),
  escalated_at: Type.Union([Type.String(), Type.Null()]),
  assigned_to: Type.Union([Type.String(), Type.Null()]),
  csat_requested: Type.Boolean(),
  csat_rating: Type.Union([Type.Integer(), Type.Null()]),
  close_reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  closed_at: Type.Union([Type.String(), Type.Null()]),
  messages: Type.Optional(Type.Array(Message)),
  ai_draft: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The reply the AI drafted at triage (agent view only)' })),
  actions: Type.Optional(Type.Array(Type.Object({
    action: Type.String(), actor: Type.String(), detail: Type.Union([Type.String(), Type.Null()]), created_at: Type.String({ format: 'date-time' }),
  }), { description: 'What agents did on the ticket, oldest first (agent view only)' })),
});
const TicketList = Type.Object({
  tickets: Type.Array(Ticket),
  next_offset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Pass as `offset` for the next page; null on the last page' }),
});
const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Tickets per page' }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0, description: 'Tickets to skip' }),
};

/** One page of tickets: asks for one more than the page to know whether another page follows. */
async function ticketPage(em: EntityManager, where: FilterQuery<ISupportTicket>, orderBy: QueryOrderMap<ISupportTicket>, page: { limit: number; offset: number }) {
  const rows = await em.find(SupportTicket, where, { populate: ['site'], orderBy, limit: page.limit + 1, offset: page.offset });
  const more = rows.length > page.limit;
  return { tickets: rows.slice(0, page.limit).map((t) => ticketDto(t)), next_offset: more ? page.offset + page.limit : null };
}
const Accepted = Type.Object({ accepted: Type.Literal(true) });

const OpenTicketBody = Type.Object({
  subject: Text(200),
  description: Text(10_000),
  site_id: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false });
const ReplyBody = Type.Object({ body: Text(10_000) }, { additionalProperties: false });

/** Support tickets for owners: open one about a site, follow it, reply, close it and rate the answer. */
export const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', authenticate);
  const security = [{ bearer: [] }];

  app.post('/', {
    schema: {
      tags: ['tickets'], summary: 'Open a ticket about one of your sites', security,
      description: 'With one site, site_id may be left out; with several it is required (400 site_selection_required lists them).',
      body: OpenTicketBody, response: { 201: Ticket, ...errorResponses(400, 401, 403, 413, 429) },
    },
  }, async (request, reply) => {
    const site = await selectCustomerSite(request.em, request.customer.id, request.body.site_id).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationError('no_site', 'Support tickets are about a site, and you do not own one yet');
      throw error;
    });
    const { windowMs, max } = app.deps.config.tickets.creationLimit;
    await countAttempt(request.em, reply, limitKey('ticket-create', request.customer.id), { windowMs, max }, 'opening tickets');
    const ticket = await openTicket(app.deps, request.em, {
      customerId: request.customer.id, siteId: site.id, siteSlug: site.slug, subject: request.body.subject.trim(), description: request.body.description.trim(),
    });
    return reply.status(201).send(ticketDto(ticket));
  });

  app.get('/', {
    schema: {
      tags: ['tickets'], summary: 'Your tickets, newest first, optionally for one site or in one status', security,
      querystring: Type.Object({ site_id: Type.Optional(Type.String({ format: 'uuid' })), status: Type.Optional(Status), ...Page }, { additionalProperties: false }),
      response: { 200: TicketList, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const { site_id: siteId, status, limit, offset } = request.query;
    const where = { customer: request.customer.id, ...(siteId ? { site: siteId } : {}), ...(status ? { status } : {}) };
    return ticketPage(request.em, where, { createdAt: 'desc', id: 'desc' }, { limit, offset });
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
};

/** The agents' side of support (admin auth): the queue, replies, assignment and resolution. */
export const agentTicketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', authenticateAdmin);
  const security = [{ admin: [] }];

  app.get('/', {
    schema: {
      tags: ['support agents'], summary: 'The ticket queue, most urgent deadline first (default: waiting on an agent)', security,
      querystring: Type.Object({ status: Type.Optional(Status), ...Page }, { additionalProperties: false }),
      response: { 200: TicketList, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const { status, limit, offset } = request.query;
    return ticketPage(request.em, { status: status ?? 'awaiting_agent' }, { slaDueAt: 'asc', createdAt: 'asc', id: 'asc' }, { limit, offset });
  });

  /** Records who did what on the ticket: the signed-in operator, or the admin API token for machine clients. */
  async function recordAction(request: FastifyRequest, ticketId: string, action: ITicketAction['action'], detail: string | null): Promise<void> {
    const operator = request.operator;
    await request.em.fork().insert(TicketAction, {
      id: randomUUID(), ticket: ticketId, operator: operator?.id ?? null, actorName: operator?.name ?? 'admin API token', action, detail, createdAt: new Date(),
    });
  }

  app.get('/:id', {
    schema: { tags: ['support agents'], summary: 'A ticket with its messages and the agents\' actions', security, params: TicketId, response: { 200: Ticket, ...errorResponses(400, 401, 404) } },
  }, async (request) => {
    const ticket = await agentTicket(request.em, request.params.id);
    const dto = await ticketWithMessages(request.em, ticket);
    const actions = await request.em.find(TicketAction, { ticket: request.params.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { ...dto, ai_draft: ticket.aiDraft ?? null, actions: actions.map((a) => ({ action: a.action, actor: a.actorName, detail: a.detail ?? null, created_at: a.createdAt.toISOString() })) };
  });

  app.post('/:id/reply', {
    schema: { tags: ['support agents'], summary: 'Answer the customer', security, params: TicketId, body: ReplyBody, response: { 202: Accepted, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await addReply(app.deps, request.em, await agentTicket(request.em, request.params.id), 'agent', request.body.body.trim());
    await recordAction(request, request.params.id, 'reply', null);
    return reply.status(202).send({ accepted: true as const });
  });

  app.post('/:id/assign', {
    schema: {
      tags: ['support agents'], summary: 'Assign the ticket to an agent', security, params: TicketId,
      body: Type.Object({ agent: Text(120) }, { additionalProperties: false }), response: { 200: Ticket, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const ticket = await agentTicket(request.em, request.params.id);
    ticket.assignedTo = request.body.agent.trim();
    await request.em.flush();
    await recordAction(request, ticket.id, 'assign', ticket.assignedTo);
    return ticketDto(ticket);
  });

  app.post('/:id/resolve', {
    schema: { tags: ['support agents'], summary: 'Mark the ticket resolved', security, params: TicketId, response: { 202: Accepted, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await endTicket(app.deps, await agentTicket(request.em, request.params.id), 'agent');
    await recordAction(request, request.params.id, 'resolve', null);
    return reply.status(202).send({ accepted: true as const });
  });
};
