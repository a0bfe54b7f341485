import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { EditRequestView, Ticket } from '../../schemas/answers.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import { Accepted, ReplyBody, TicketId, TicketList, TicketPage, TicketStatus } from '../../schemas/tickets.js';
import { editRequestDto } from '../../services/site-edits.js';
import { placeTicketPhoto } from '../../services/ticket-photos.js';
import { addReply, agentTicket, agentTicketView, assignTicket, endTicket, recordTicketAction, ticketDto, ticketPage } from '../../services/tickets.js';

/** The agents' side of support (admin auth): the queue, replies, assignment and resolution. */
export const agentTicketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const security = [{ admin: [] }];

  app.get('/', {
    schema: {
      tags: ['support agents'], summary: 'The ticket queue, most urgent deadline first (default: waiting on an agent; `open`: every ticket not yet resolved or closed)', security,
      querystring: Type.Object({ status: Type.Optional(TicketStatus), ...TicketPage }, { additionalProperties: false }),
      response: { 200: TicketList, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const { status, limit, offset } = request.query;
    return ticketPage(request.em, { status: status === 'open' ? 'open_any' : status ?? 'awaiting_agent' }, 'most_urgent', { limit, offset });
  });

  app.get('/:id', {
    schema: { tags: ['support agents'], summary: 'A ticket with its messages and the agents\' actions', security, params: TicketId, response: { 200: Ticket, ...errorResponses(400, 401, 404) } },
  }, async (request) => agentTicketView(request.em, request.params.id));

  app.post('/:id/reply', {
    schema: { tags: ['support agents'], summary: 'Answer the customer', security, params: TicketId, body: ReplyBody, response: { 202: Accepted, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await addReply(app.deps, request.em, await agentTicket(request.em, request.params.id), 'agent', request.body.body.trim(), request.operator?.name ?? null);
    await recordTicketAction(request.em, request.operator, request.params.id, 'reply', null);
    return reply.status(202).send({ accepted: true as const });
  });

  app.post('/:id/assign', {
    schema: {
      tags: ['support agents'], summary: 'Assign the ticket to an agent', security, params: TicketId,
      body: Type.Object({ agent: SingleLine(FIELD_LIMITS.agentName) }, { additionalProperties: false }), response: { 200: Ticket, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const ticket = await assignTicket(request.em, request.params.id, request.body.agent.trim());
    await recordTicketAction(request.em, request.operator, ticket.id, 'assign', ticket.assignedTo ?? null);
    return ticketDto(ticket);
  });

  app.post('/:id/resolve', {
    schema: { tags: ['support agents'], summary: 'Mark the ticket resolved', security, params: TicketId, response: { 202: Accepted, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await endTicket(app.deps, await agentTicket(request.em, request.params.id), 'agent');
    await recordTicketAction(request.em, request.operator, request.params.id, 'resolve', null);
    return reply.status(202).send({ accepted: true as const });
  });

  app.post('/:id/photos/:photoId/place', {
    schema: {
      tags: ['support agents'], summary: 'Place a photo the customer attached on the ticket\'s site (logo, hero or gallery): an edit whose preview the owner approves', security,
      params: Type.Object({ id: Type.String({ format: 'uuid' }), photoId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ slot: Type.Union([Type.Literal('logo'), Type.Literal('hero'), Type.Literal('gallery')]) }, { additionalProperties: false }),
      description: 'Recorded in the ticket\'s actions and the audit log. A site that cannot be edited (no active subscription): 402; a change that does not fit the live site: 409.',
      response: { 201: EditRequestView, ...errorResponses(400, 401, 402, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const created = await placeTicketPhoto(app.deps, request.em, request.params.id, request.params.photoId, request.body.slot, request.operator);
    return reply.status(201).send(editRequestDto(created));
  });
};
