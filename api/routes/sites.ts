import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findSiteBySlug } from '../../db/sites.js';
import { NotFoundError } from '../../lib/errors.js';
import { centsToAmount } from '../../lib/money.js';
import { errorResponses, Slug } from '../schemas/common.js';

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

/** Public, unauthenticated site information. */
export const siteRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      site_url: `${app.deps.config.publicBaseUrl}/sites/${site.slug}`,
      available_for_claim: site.status === 'preview',
    };
  });
};
