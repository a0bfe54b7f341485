import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operatorGuard } from '../../auth/guards.js';
import { adminAnalyticsRoutes } from './analytics.js';
import { experimentRoutes } from './experiments.js';
import { needsAttentionRoutes } from './needs-attention.js';
import { previewBatchRoutes } from './preview-batches.js';
import { privacyAdminRoutes } from './privacy.js';
import { backOfficeRoutes } from './records.js';
import { reportRoutes } from './reports.js';
import { ownershipRoutes } from './ownership.js';
import { operatorSessionRoutes } from './session.js';
import { adminSiteRoutes } from './sites.js';
import { statisticsRoutes } from './statistics.js';
import { agentTicketRoutes } from './tickets.js';
import { webhookEventRoutes } from './webhook-events.js';
import { workQueueRoutes } from './work-queue.js';

/**
 * `/admin`: the operators' API (agent console and machine clients). Every route needs an operator's console session
 * or the admin API token, unless it says `access: 'public'` (console sign-in), and the operator's role must allow the
 * route's `operatorAction` in the permission table (api/auth/permissions.ts; unset: `support.work`).
 */
export const adminFolder: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', operatorGuard);
  await app.register(statisticsRoutes);
  await app.register(adminAnalyticsRoutes);
  await app.register(experimentRoutes);
  await app.register(adminSiteRoutes);
  await app.register(previewBatchRoutes);
  await app.register(agentTicketRoutes, { prefix: '/tickets' });
  await app.register(webhookEventRoutes, { prefix: '/webhook-events' });
  await app.register(operatorSessionRoutes, { prefix: '/session' });
  await app.register(needsAttentionRoutes, { prefix: '/needs-attention' });
  await app.register(backOfficeRoutes);
  await app.register(reportRoutes);
  await app.register(ownershipRoutes, { prefix: '/ownership' });
  await app.register(workQueueRoutes);
  await app.register(privacyAdminRoutes, { prefix: '/privacy' });
};
