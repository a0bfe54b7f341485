import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { customerGuard, requireSiteAction } from '../../auth/guards.js';
import { ticketRoutes } from './tickets.js';

/** `/tickets`: the owners' support tickets; every route needs a signed-in customer. */
export const ticketsFolder: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', requireSiteAction);
  app.addHook('preHandler', customerGuard);
  await app.register(ticketRoutes);
};
