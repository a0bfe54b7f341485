import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { siteUrl } from '../../../lib/urls.js';
import { workflowIds } from '../../../lib/workflow-ids.js';
import { errorResponses } from '../../schemas/common.js';
import { claimedSite, claimStatus } from '../../services/claims.js';

const WORKFLOW_ID = '^claim:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const ClaimStatus = Type.Object({
  workflow_id: Type.String(),
  status: Type.String({ description: 'The claim\'s status (awaiting_payment, processing_payment, completed, expired, …)' }),
  ready: Type.Boolean({ description: 'The purchase is finished: the site belongs to its new owner and the emails are on their way' }),
  slug: Type.String(),
  site_title: Type.String(),
  site_url: Type.String(),
});

/** Where a purchase stands, for the page the provider's checkout returns the buyer to; says nothing about who bought. */
export const claimStatusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/status', {
    config: { rateLimit: { max: app.deps.config.checkout.statusMaxPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['public'], summary: 'Progress of a claim, by the workflow id the purchase answered',
      querystring: Type.Object({ workflow_id: Type.String({ pattern: WORKFLOW_ID }) }, { additionalProperties: false }),
      response: { 200: ClaimStatus, ...errorResponses(400, 404, 429, 503) },
    },
  }, async (request) => {
    const siteId = request.query.workflow_id.slice('claim:'.length);
    const site = await claimedSite(request.em, siteId);
    const status = await claimStatus(app.deps, site);
    return {
      workflow_id: workflowIds.claim(site.id), status, ready: status === 'completed',
      slug: site.slug, site_title: site.title, site_url: siteUrl(app.deps.config, site.slug, site.customDomain),
    };
  });
};
