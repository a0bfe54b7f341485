import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { normaliseHost } from '../../../lib/dns/domain-name.js';
import { createCrawlPolicies, robotsTxt, sitemapXml } from '../../hosting/crawling.js';
import { createHostRouter, type HostRoute } from '../../hosting/host-routing.js';
import { notFoundSender } from '../../hosting/not-found.js';
import { PAGE_SELECT, socialCardFor, type PageRow } from '../../hosting/site-pages.js';
import { parseSocialImageFile, renderSocialImage, socialCardVersion } from '../../hosting/social-image.js';

/** Generated social cards kept in memory per process (each a few tens of kB). */
const SOCIAL_CARDS_KEPT = 500;

/**
 * What crawlers and link previews fetch on every host: `robots.txt` and `sitemap.xml` for the host asked, and the
 * sites' generated social cards (`/_wm/social/<slug>-<version>.png`).
 */
export const crawlingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, orm } = app.deps;
  const routeHost = createHostRouter(config.hosting);
  const crawlPolicy = createCrawlPolicies(orm, config);
  const notFound = notFoundSender(config);
  const connection = orm.em.getConnection();

  /** The scheme and host a host's own robots.txt and sitemap name. */
  const hostBase = (request: FastifyRequest, route: HostRoute) => {
    if (route.kind === 'api') return config.publicBaseUrl;
    if (route.kind === 'sites' && config.hosting.sitesBaseUrl) return config.hosting.sitesBaseUrl;
    return `${new URL(config.hosting.sitesBaseUrl ?? config.publicBaseUrl).protocol}//${normaliseHost(request.hostname)}`;
  };

  app.get('/robots.txt', {
    schema: { tags: ['hosting'], summary: 'What crawlers may fetch on this host, and where its sitemap is', produces: ['text/plain'], response: { 200: Type.String() } },
  }, async (request, reply) => {
    const route = routeHost(request.hostname);
    const policy = await crawlPolicy(route, normaliseHost(request.hostname));
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(robotsTxt(policy, `${hostBase(request, route)}/sitemap.xml`));
  });

  app.get('/sitemap.xml', {
    schema: {
      tags: ['hosting'], summary: 'The addresses search engines should index on this host, with when each was last published', produces: ['application/xml'], response: { 200: Type.String() },
    },
  }, async (request, reply) => {
    const policy = await crawlPolicy(routeHost(request.hostname), normaliseHost(request.hostname));
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'public, max-age=3600').send(sitemapXml(policy.entries));
  });

  const cards = new Map<string, Buffer>();
  app.get('/_wm/social/:file', {
    schema: {
      tags: ['hosting'],
      summary: "A site's generated link-preview image (1200×630 PNG); its address changes with what it shows, so it is cached for good",
      params: Type.Object({ file: Type.String({ maxLength: 120 }) }),
      produces: ['image/png'],
      response: { 200: Type.Unknown({ description: 'PNG image' }), 404: Type.String({ description: 'HTML document' }) },
    },
  }, async (request, reply) => {
    const wanted = parseSocialImageFile(request.params.file);
    const [row] = wanted ? await connection.execute<PageRow[]>(`${PAGE_SELECT} where s.slug = ?`, [wanted.slug]) : [];
    if (!wanted || !row?.content) return notFound(request, reply);
    const card = socialCardFor(row, row.content.theme);
    const version = socialCardVersion(card);
    let png = cards.get(`${wanted.slug}-${version}`);
    if (!png) {
      png = await renderSocialImage(card);
      if (cards.size >= SOCIAL_CARDS_KEPT) cards.delete(cards.keys().next().value!);
      cards.set(`${wanted.slug}-${version}`, png);
    }
    // An older address (the name or colours changed since it was shared) gets today's card, briefly cached.
    const cacheControl = version === wanted.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
    return reply.type('image/png').header('cache-control', cacheControl).send(png);
  });
};
