import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findSiteBySlug } from '../../../db/sites.js';
import { LimitKeys } from '../../../lib/limit-keys.js';
import { ConflictError, NotFoundError } from '../../../lib/errors.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { centsToAmount } from '../../../lib/money.js';
import { siteUrl } from '../../../lib/urls.js';
import { assertHoldAllowed, recordHold } from '../../services/purchase-holds.js';
import { errorResponses, SingleLine, Slug } from '../../schemas/common.js';
import { requestClaimCheckout } from '../../services/claims.js';
import { recordServerEvent } from '../../../db/analytics.js';
import { anonymousVisitor } from '../../services/analytics.js';

const PublicSite = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  title: Type.String(),
  status: Type.String(),
  business_name: Type.String(),
  business_category: Type.String(),
  city: Type.Union([Type.String(), Type.Null()]),
  purchase_amount: Type.Number(),
  monthly_amount: Type.Number(),
  currency: Type.String(),
  site_url: Type.String(),
  available_for_claim: Type.Boolean(),
});

const PurchaseRequest = Type.Object({
  email: Type.String({ format: 'email', maxLength: FIELD_LIMITS.email }),
  name: SingleLine(FIELD_LIMITS.personName, 'The buyer\'s name (one line)'),
}, { additionalProperties: false });

const PurchaseResponse = Type.Object({
  checkout_url: Type.String({ format: 'uri' }),
  workflow_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});

/** Public, unauthenticated site information and the claim (purchase) entry point. */
export const siteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const holdKeys = LimitKeys.from(app.deps.config);
  app.get('/sites/:slug', {
    schema: {
      tags: ['sites'],
      summary: 'Public details of a site: title, status, prices, business',
      params: Type.Object({ slug: Slug }),
      response: { 200: PublicSite, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const site = await findSiteBySlug(request.em, request.params.slug);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.params.slug}"`);
    return {
      site_id: site.id,
      slug: site.slug,
      title: site.title,
      status: site.status,
      business_name: site.business.name,
      business_category: site.business.category,
      city: site.business.city ?? null,
      purchase_amount: centsToAmount(site.purchaseAmountCents),
      monthly_amount: centsToAmount(site.monthlyAmountCents),
      currency: site.currency,
      site_url: siteUrl(app.deps.config, site.slug, site.customDomain),
      available_for_claim: site.status === 'preview',
    };
  });

  app.post('/sites/:slug/purchase', {
    schema: {
      tags: ['sites'],
      summary: 'Claim a preview site: opens (or reopens) the claimant\'s checkout',
      description: 'Starts or joins the site\'s claim workflow. The same claimant gets the same checkout again; another claimant gets 409 site_being_claimed while a checkout is open.',
      params: Type.Object({ slug: Slug }),
      body: PurchaseRequest,
      response: { 200: PurchaseResponse, ...errorResponses(400, 404, 409, 429, 503) },
    },
  }, async (request) => {
    const site = await findSiteBySlug(request.em, request.params.slug);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.params.slug}"`);
    if (site.status !== 'preview') throw new ConflictError('site_not_available', 'This site has already been claimed.');
    const claimant = { email: request.body.email.trim().toLowerCase(), name: request.body.name.trim() };
    const hold = { siteId: site.id, email: claimant.email, clientKey: holdKeys.address('purchase-hold', request.ip) };
    await assertHoldAllowed(request.em, app.deps.config.checkout.holds, hold);
    const { visitorId } = anonymousVisitor(request, app.deps.config.analytics, site.id);
    const timeout = app.deps.config.analytics.sessionTimeoutMs;
    await recordServerEvent(request.em.fork(), { siteId: site.id, type: 'claim_started', visitorId }, timeout);
    const checkout = await requestClaimCheckout(app.deps, site, claimant);
    await recordHold(request.em, hold, new Date(checkout.expiresAt));
    await recordServerEvent(request.em.fork(), { siteId: site.id, type: 'checkout_opened', visitorId, dedupeKey: `checkout_opened:${checkout.workflowId}:${checkout.expiresAt}` }, timeout);
    return { checkout_url: checkout.checkoutUrl, workflow_id: checkout.workflowId, expires_at: checkout.expiresAt };
  });
};
