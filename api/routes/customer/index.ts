import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { customerGuard, requireSiteAction } from '../../auth/guards.js';
import { collaboratorRoutes } from './collaborators.js';
import { domainRoutes } from './domains.js';
import { emailLinkRoutes } from './email-links.js';
import { mySitesRoutes } from './my-sites.js';
import { paymentRoutes } from './payments.js';
import { photoRoutes } from './photos.js';
import { privacyRoutes } from './privacy.js';
import { profileRoutes } from './profile.js';
import { sessionRoutes } from './sessions.js';
import { siteAnalyticsRoutes } from './site-analytics.js';
import { siteDesignRoutes } from './site-designs.js';
import { siteEditRoutes } from './site-edits.js';
import { transferRoutes } from './transfers.js';

/**
 * `/customer`: every route needs a signed-in customer unless it says `access: 'public'` (the sign-in routes) or `'token'`;
 * a route naming a site (`:siteId`) declares the permission `action` it needs, and the guard checks the customer's role.
 */
export const customerFolder: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', requireSiteAction);
  app.addHook('preHandler', customerGuard);
  await app.register(sessionRoutes);
  await app.register(emailLinkRoutes);
  await app.register(profileRoutes);
  await app.register(mySitesRoutes);
  await app.register(domainRoutes);
  await app.register(siteAnalyticsRoutes);
  await app.register(siteEditRoutes);
  await app.register(siteDesignRoutes);
  await app.register(photoRoutes);
  await app.register(paymentRoutes);
  await app.register(transferRoutes);
  await app.register(collaboratorRoutes);
  await app.register(privacyRoutes);
};
