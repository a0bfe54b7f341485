import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ConflictError, NotFoundError } from '../../../lib/errors.js';
import { errorResponses } from '../../schemas/common.js';
import { InboxEvent } from '../../schemas/webhooks.js';
import { listInboxEvents, requeueInboxEvent } from '../../webhooks/inbox.js';

/** Operators' view of the webhook inbox: what is parked (needs a person) or still pending, and re-queueing after repair. */
export const webhookEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];

  app.get('/', {
    schema: {
      tags, security, summary: 'Parked or pending webhook events, oldest first',
      querystring: Type.Object({
        status: Type.Union([Type.Literal('parked'), Type.Literal('pending')], { default: 'parked' }),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ events: Type.Array(InboxEvent) }), ...errorResponses(400, 401) },
    },
  }, async (request) => ({ events: await listInboxEvents(app.sql, request.query.status, request.query.limit) }));

  app.post('/:id/retry', {
    schema: {
      tags, security, summary: 'Put a parked event back in the relay queue (after its cause was repaired)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 202: Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.Literal('pending') }), ...errorResponses(400, 401, 404, 409) },
    },
  }, async (request, reply) => {
    const outcome = await requeueInboxEvent(app.sql, request.params.id);
    if (outcome === 'missing') throw new NotFoundError('webhook_event_not_found', 'No webhook event has this id');
    if (outcome === 'not_parked') throw new ConflictError('webhook_event_not_parked', 'Only a parked event can be re-queued');
    return reply.status(202).send({ id: request.params.id, status: 'pending' as const });
  });
};
