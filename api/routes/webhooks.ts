import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError, ValidationError } from '../../lib/errors.js';
import { parseRecurrenteEvent, WebhookPayloadError } from '../../lib/recurrente-events.js';
import { verifyWebhook, WebhookSignatureError } from '../../lib/webhook-signature.js';
import { errorResponses } from '../schemas/common.js';
import { ingestRecurrenteEvent } from '../services/recurrente-webhooks.js';

const Ack = Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean() });

/** Payment-provider webhooks: verified over the raw body, stored in the inbox, routed to workflows. */
export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The signature covers the exact bytes sent, so this scope keeps JSON bodies as raw text and accepts nothing else.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/recurrente', {
    schema: {
      tags: ['webhooks'],
      summary: 'Recurrente (Svix-signed) webhook deliveries',
      headers: Type.Object({ 'svix-id': Type.Optional(Type.String()), 'svix-timestamp': Type.Optional(Type.String()), 'svix-signature': Type.Optional(Type.String()) }),
      body: Type.String({ description: 'The event JSON, verified byte for byte' }),
      response: { 200: Ack, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const raw = request.body;
    try {
      verifyWebhook(app.deps.config.recurrente.webhookSecrets, request.headers, raw);
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw new AppError(401, `webhook_${error.reason}`, error.message);
      throw error;
    }
    const eventId = String(request.headers['svix-id']);
    let event;
    try {
      event = parseRecurrenteEvent(raw, eventId);
    } catch (error) {
      if (error instanceof WebhookPayloadError) throw new ValidationError('invalid_webhook_payload', error.message);
      throw error;
    }
    const result = await ingestRecurrenteEvent(app.deps, request.em, event, JSON.parse(raw) as Record<string, unknown>, request.log);
    request.log.info({ eventId, type: event.type, result }, 'webhook ingested');
    return { received: true as const, duplicate: result.outcome === 'duplicate' };
  });
};
