import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { recurrenteWebhookRoutes } from './recurrente.js';

/** `/webhooks`: payment providers' deliveries; each route checks its provider's signature instead of a sign-in. */
export const webhooksFolder: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(recurrenteWebhookRoutes);
};
