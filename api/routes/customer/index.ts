import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { customerGuard } from '../../auth/guards.js';
import { domainRoutes } from './domains.js';
import { emailLinkRoutes } from './email-links.js';
import { mySitesRoutes } from './my-sites.js';
import { paymentRoutes } from './payments.js';
import { profileRoutes } from './profile.js';
import { sessionRoutes } from './sessions.js';
import { siteAnalyticsRoutes } from './site-analytics.js';
import { siteEditRoutes } from './site-edits.js';

/** `/customer`: every route needs a signed-in customer unless it says `access: 'public'` (the sign-in routes) or `'token'`. */
export const customerFolder: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', customerGuard);
  await app.register(sessionRoutes);
  await app.register(emailLinkRoutes);
  await app.register(profileRoutes);
  await app.register(mySitesRoutes);
  await app.register(domainRoutes);
  await app.register(siteAnalyticsRoutes);
  await app.register(siteEditRoutes);
  await app.register(paymentRoutes);
};
