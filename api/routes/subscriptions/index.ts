import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { customerGuard, requireSiteAction } from '../../auth/guards.js';
import { subscriptionRoutes } from './subscriptions.js';

/** `/subscriptions`: the owners' monthly subscriptions; every route needs a signed-in customer. */
export const subscriptionsFolder: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', requireSiteAction);
  app.addHook('preHandler', customerGuard);
  await app.register(subscriptionRoutes);
};
