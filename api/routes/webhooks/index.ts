import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { postmarkWebhookRoutes } from './postmark.js';
import { recurrenteWebhookRoutes } from './recurrente.js';

/** `/webhooks`: the payment provider's and Postmark's deliveries; each route checks its sender's signature or credentials instead of a sign-in. */
export const webhooksFolder: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(recurrenteWebhookRoutes);
  await app.register(postmarkWebhookRoutes);
};
