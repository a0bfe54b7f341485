import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../../lib/errors.js';
import { suppressionFor, webhookAuthorized } from '../../../lib/postmark/webhooks.js';
import { errorResponses } from '../../schemas/common.js';
import { suppressAddress } from '../../services/preview-batches.js';

const Text = (description: string) => Type.Optional(Type.String({ maxLength: 1000, description }));

/**
 * Postmark's bounce, spam-complaint and subscription-change webhooks: an address that bounced for good, complained
 * or was suppressed joins the outreach suppression list. Postmark signs nothing; the webhook URL carries HTTP Basic
 * credentials whose password is POSTMARK_WEBHOOK_SECRET.
 */
export const postmarkWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/postmark', {
    schema: {
      tags: ['webhooks'],
      summary: 'Postmark bounce, spam-complaint and subscription-change webhooks (HTTP Basic auth); feeds the outreach suppression list',
      body: Type.Object({
        RecordType: Type.String({ minLength: 1, maxLength: 100, description: 'Bounce, SpamComplaint, SubscriptionChange; others are acknowledged and ignored' }),
        Type: Text('The bounce type (HardBounce, SoftBounce, …)'),
        Email: Text('The recipient of a bounce or complaint'),
        Recipient: Text('The recipient of a subscription change'),
        Inactive: Type.Optional(Type.Boolean({ description: 'Whether Postmark deactivated the recipient' })),
        SuppressSending: Type.Optional(Type.Boolean()),
        SuppressionReason: Text('HardBounce, SpamComplaint or ManualSuppression'),
        MessageStream: Text('The stream the message went out on'),
      }, { additionalProperties: true }),
      response: { 200: Type.Object({ received: Type.Literal(true), suppressed: Type.Boolean() }), ...errorResponses(400, 401) },
    },
  }, async (request) => {
    if (!webhookAuthorized(request.headers.authorization, app.deps.config.postmark.webhookSecret)) {
      throw new AppError(401, 'webhook_unauthorized', 'The webhook\'s credentials are missing or wrong; put postmark:<POSTMARK_WEBHOOK_SECRET>@ in the webhook URL.');
    }
    const suppression = suppressionFor(request.body);
    if (suppression) {
      await suppressAddress(request.em, suppression.email, suppression.reason);
      request.log.info({ reason: suppression.reason, recordType: request.body.RecordType }, 'address suppressed by a Postmark webhook');
    }
    return { received: true as const, suppressed: suppression !== null };
  });
};
