import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { siteUrl } from '../../../lib/urls.js';
import { workflowIds } from '../../../lib/workflow-ids.js';
import { errorResponses } from '../../schemas/common.js';
import { cancelClaim, claimedSite, claimNextStep, claimStatus } from '../../services/claims.js';
import { activationDeadline } from '../../services/subscriptions.js';

const WORKFLOW_ID = '^claim:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const ClaimStatus = Type.Object({
  workflow_id: Type.String(),
  status: Type.String({ description: 'The claim\'s status (awaiting_payment, processing_payment, completed, expired, …)' }),
  ready: Type.Boolean({ description: 'The purchase is finished: the site belongs to its new owner and the emails are on their way' }),
  slug: Type.String(),
  site_title: Type.String(),
  site_url: Type.String(),
  next_step: Type.Union([Type.Literal('set_password'), Type.Literal('sign_in'), Type.Null()], {
    description: 'Once ready: set_password while the new owner has no password yet (the welcome email carries the link), sign_in for an owner who already has an account',
  }),
  activation_deadline: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Once ready: by when the monthly subscription must be activated' }),
});

const CancelBody = Type.Object({
  workflow_id: Type.String({ pattern: WORKFLOW_ID }),
  token: Type.String({ minLength: 1, maxLength: 100, description: 'The cancel token of the checkout\'s cancel URL' }),
}, { additionalProperties: false });

const CancelAnswer = Type.Object({
  status: Type.Literal('cancelled'),
  slug: Type.String(),
  site_title: Type.String(),
  site_url: Type.String(),
});

/**
 * Where a purchase stands, for the page the provider's checkout returns the buyer to (says nothing about who bought,
 * only whether the owner signs in or sets a password), and the cancel its Cancel button leads to.
 */
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
      next_step: await claimNextStep(request.em, site), activation_deadline: activationDeadline(app.deps.config, site),
    };
  });

  app.post('/cancel', {
    config: { rateLimit: { max: app.deps.config.checkout.statusMaxPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['public'], summary: 'Cancel an open claim checkout (the checkout page\'s Cancel leads here): the site is released at once',
      description: 'The token comes from the cancel URL the checkout was opened with. Answers once the site is free again; the same answer when the claim had already ended. 409 when the site was bought or the token is not this checkout\'s.',
      body: CancelBody,
      response: { 200: CancelAnswer, ...errorResponses(400, 404, 409, 429, 503) },
    },
  }, async (request) => {
    const site = await claimedSite(request.em, request.body.workflow_id.slice('claim:'.length));
    await cancelClaim(app.deps, site, request.body.token);
    return { status: 'cancelled' as const, slug: site.slug, site_title: site.title, site_url: siteUrl(app.deps.config, site.slug, site.customDomain) };
  });
};
