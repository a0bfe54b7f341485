import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bookingRoutes } from './bookings.js';
import { claimStatusRoutes } from './claims.js';
import { collectRoutes } from './collect.js';
import { healthRoutes } from './health.js';
import { outreachRoutes } from './outreach.js';
import { siteRoutes } from './sites.js';

/** The API's public routes (no sign-in): health, site information and purchase, bookings, analytics collection, claim status. */
export const publicFolder: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(healthRoutes);
  await app.register(siteRoutes);
  await app.register(collectRoutes);
  await app.register(bookingRoutes);
  await app.register(claimStatusRoutes, { prefix: '/claims' });
  await app.register(outreachRoutes);
};
