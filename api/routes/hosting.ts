import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findSiteBySlug } from '../../db/sites.js';
import { formatMoney } from '../../lib/money.js';
import { isSlug } from '../../lib/slug.js';
import { renderNotFoundPage, renderSitePage, renderUnavailablePage } from '../views/site-page.js';

const HtmlPage = Type.String({ description: 'HTML document' });

/** Serves published sites as HTML at /sites/:slug. */
export const hostingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/sites/:slug', {
    schema: {
      tags: ['hosting'],
      summary: 'A hosted site (preview sites carry the claim bar)',
      params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
      produces: ['text/html'],
      response: { 200: HtmlPage, 304: Type.Null(), 404: HtmlPage, 410: HtmlPage, 503: HtmlPage },
    },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const site = isSlug(request.params.slug) ? await findSiteBySlug(request.em, request.params.slug) : null;
    if (!site || !site.currentVersion) {
      return reply.status(404).header('cache-control', 'no-store').send(renderNotFoundPage());
    }
    if (site.status === 'suspended' || site.status === 'cancelled') {
      return reply
        .status(site.status === 'suspended' ? 503 : 410)
        .header('cache-control', 'no-store')
        .header('retry-after', site.status === 'suspended' ? '3600' : undefined)
        .send(renderUnavailablePage(site.title));
    }
    const html = renderSitePage({
      title: site.title,
      business: site.business,
      content: site.currentVersion.content,
      slug: site.slug,
      claim: site.status === 'preview'
        ? { slug: site.slug, price: formatMoney(site.purchaseAmountCents, site.currency), monthly: formatMoney(site.monthlyAmountCents, site.currency) }
        : null,
    });
    const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag).header('cache-control', site.status === 'preview' ? 'public, max-age=60' : 'public, max-age=300');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
    return reply.send(html);
  });
};
