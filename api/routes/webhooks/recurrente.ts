import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../../lib/errors.js';
import { verifyWebhook, WebhookSignatureError } from '../../../lib/recurrente/signature.js';
import { errorResponses } from '../../schemas/common.js';
import { InboxWaker, storeDelivery } from '../../webhooks/inbox.js';

const Ack = Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean() });

/**
 * Payment-provider webhooks: verified over the raw body and stored in the inbox in one statement, then answered.
 * Parsing, validation and routing to workflows happen in the inbox relay, so the provider never waits on Temporal
 * and every correctly signed delivery is kept, whatever it contains.
 */
export const recurrenteWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The signature covers the exact bytes sent, so this scope keeps JSON bodies as raw text and accepts nothing else.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const relays = new InboxWaker(app.sql, (error) => app.log.warn({ err: error }, 'could not wake the webhook relays; they will poll'));
  app.addHook('onClose', () => relays.settled());

  app.post('/recurrente', {
    // Stored as the exact bytes that were signed, whatever text they hold: the text guard must not refuse them.
    config: { rawBody: true },
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
    const { duplicate } = await storeDelivery(app.sql, 'recurrente', String(request.headers['svix-id']), Buffer.from(raw, 'utf8'));
    if (!duplicate) relays.wake();
    return { received: true as const, duplicate };
  });
};
