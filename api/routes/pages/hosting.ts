import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { AppConfig } from '../../../lib/config.js';
import { isSlug } from '../../../lib/slug.js';
import { errorResponses } from '../../schemas/common.js';
import { createHostRouter } from '../../hosting/host-routing.js';
import { PageCache, type CachedPage } from '../../hosting/page-cache.js';
import { listenForSiteChanges, type SiteChangeListener } from '../../hosting/site-changes.js';
import { TlsDecisions } from '../../hosting/tls-decisions.js';
import { notFoundSender } from '../../hosting/not-found.js';
import { loadHomePage, platformPrices } from '../../hosting/platform-home.js';
import { createPageLoader } from '../../hosting/site-pages.js';
import { pageCacheLookups } from '../../metrics/registry.js';
import { normaliseHost } from '../../../lib/dns/domain-name.js';
import { renderHelpPage } from '../../views/platform-pages.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Rendered public pages, dropped per site on database notifications. */
    pageCache: PageCache;
    /** The LISTEN connection behind the page cache; `sync()` waits for changes committed so far. */
    siteChanges: SiteChangeListener;
    /** The edge's TLS ask answers per name, kept apart from the page cache. */
    tlsDecisions: TlsDecisions;
  }
}

const HtmlPage = Type.String({ description: 'HTML document' });
const PageResponses = { 200: HtmlPage, 301: Type.Null(), 304: Type.Null(), 404: HtmlPage, 410: HtmlPage, 503: HtmlPage };
const HTML_TYPE = 'text/html; charset=utf-8';


/** The name a TLS ask is about, as its limit counts it. */
function askedName(request: FastifyRequest): string {
  const { domain } = request.query as { domain?: unknown };
  return typeof domain === 'string' ? domain.toLowerCase().replace(/\.$/, '') : '';
}

/**
 * The edge's on-demand TLS ask. Limited per asked name, never per client: the edge asks from one address for every
 * name, so a per-client limit would let random names use up every real name's asks. The edge's own addresses are
 * exempt; `allowed` holds its answers (see TlsDecisions).
 */
function tlsAskRoute(app: Parameters<FastifyPluginAsyncTypebox>[0], hosting: AppConfig['hosting'], allowed: (name: string) => Promise<boolean>): void {
  app.get('/api/v1/hosting/tls-ask', {
    schema: {
      tags: ['hosting'],
      summary: "The edge's on-demand TLS check: 200 only for platform subdomains of existing sites and verified custom domains",
      description: 'Limited per asked name (`TLS_ASK_MAX_PER_MINUTE`), never per client: the edge asks from one address for every name. The edge\'s own '
        + 'addresses (`EDGE_ADDRESSES`) are exempt. Answers are held for `TLS_ASK_CACHE`, refusals apart from the page cache and bounded.',
      querystring: Type.Object({ domain: Type.String({ minLength: 1, maxLength: 253 }) }),
      response: { 200: Type.Object({ allowed: Type.Literal(true) }), 404: Type.Object({ error: Type.String(), message: Type.String() }), ...errorResponses(400, 429) },
    },
    config: {
      rateLimit: {
        max: hosting.tlsAskMaxPerMinute, timeWindow: '1 minute', allowList: (request) => hosting.edgeAddresses.includes(request.ip),
        keyGenerator: (request) => `tls-ask|${askedName(request)}`,
      },
    },
  }, async (request, reply) => {
    if (await allowed(askedName(request))) return { allowed: true as const };
    return reply.code(404).send({ error: 'unknown_host', message: 'No site is served at this name' });
  });
}

/** Sends a page: a redirect to the other spelling of a custom domain or to the site's canonical address, a 304, or the page. */
function send(request: FastifyRequest, reply: FastifyReply, answer: CachedPage) {
  if (answer.redirectHost) return reply.headers(answer.headers).redirect(`${request.protocol}://${answer.redirectHost}${request.url}`, 301);
  if (answer.canonical !== null && new URL(answer.canonical).hostname !== normaliseHost(request.hostname)) {
    const query = request.url.indexOf('?');
    return reply.header('cache-control', 'public, max-age=300').redirect(`${answer.canonical}${query >= 0 ? request.url.slice(query) : ''}`, 301);
  }
  reply.code(answer.statusCode).headers(answer.headers);
  if (answer.etag !== null && request.headers['if-none-match'] === answer.etag) return reply.code(304).send(null);
  return reply.send(answer.body);
}

/** Decorates the app with the page cache and the TLS decisions, both dropped per site as the database's change notifications arrive. */
async function decorateWithChanges(app: Parameters<FastifyPluginAsyncTypebox>[0], cache: PageCache, decisions: TlsDecisions): Promise<void> {
  const siteChanges = await listenForSiteChanges(app.deps.config.database, {
    onChange: (siteId) => {
      cache.invalidate(siteId);
      decisions.invalidate(siteId);
    },
    onState: (listening) => {
      cache.setActive(listening);
      decisions.invalidate('*');
    },
    onError: (error) => app.log.warn({ err: error }, 'site change notifications interrupted; pages are served uncached until they resume'),
  });
  app.decorate('pageCache', cache);
  app.decorate('siteChanges', siteChanges);
  app.decorate('tlsDecisions', decisions);
  app.addHook('onClose', () => siteChanges.close());

}

/*
 * Serves published sites by address: `/sites/:slug` on the API host, `/:slug` on the sites host, `/` on a site's
 * subdomain or verified custom domain (the apex/www counterpart redirects); a live site's other addresses redirect
 * (301) to its canonical one. The API host's `/` is the platform's home page, `/help` its help page; any other
 * address gets the 404 page of its host. Pages come from memory while the database's change notifications flow; a
 * matching If-None-Match is a 304.
 */
const hosting: FastifyPluginAsyncTypebox = async (app) => {
  const { config, orm } = app.deps;
  const routeHost = createHostRouter(config.hosting);
  const cache = new PageCache(config.hosting.pageCacheMaxEntries, { maxAgeMs: config.hosting.pageCacheMaxAgeMs });
  const decisions = new TlsDecisions(config.hosting.tlsAskCacheMs, config.hosting.tlsAskMaxRefusals);
  const loader = createPageLoader(orm, { addresses: config });
  const notFound = notFoundSender(config);
  const connection = orm.em.getConnection();
  await decorateWithChanges(app, cache, decisions);

  async function page(key: string, load: () => Promise<CachedPage>): Promise<CachedPage> {
    const cached = cache.get(key);
    pageCacheLookups.inc({ result: cached ? 'hit' : 'miss' });
    if (cached) return cached;
    const generation = cache.currentGeneration;
    const loaded = await load();
    cache.set(key, loaded, generation);
    return loaded;
  }

  const home = () => page('platform:home', () => loadHomePage(connection, config));
  const bySlug = (slug: string) => (isSlug(slug) ? page(`slug:${slug}`, () => loader.bySlug(slug)) : Promise.resolve(loader.notFound));
  const byHost = (host: string) => page(`host:${host}`, () => loader.byCustomDomain(host));

  const helpPage = renderHelpPage({ baseUrl: config.publicBaseUrl, ...platformPrices(config.pricing) });

  app.get('/sites/:slug', {
    schema: {
      tags: ['hosting'],
      summary: 'A hosted site by path on the API host (preview sites carry the claim bar)',
      params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
      produces: ['text/html'],
      response: PageResponses,
    },
  }, async (request, reply) => {
    const route = routeHost(request.hostname);
    if (route.kind !== 'api') return notFound(request, reply);
    return send(request, reply, await bySlug(request.params.slug));
  });

  app.get('/:slug', {
    schema: {
      tags: ['hosting'],
      summary: 'A hosted site by path on the sites host',
      params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
      produces: ['text/html'],
      response: PageResponses,
    },
  }, async (request, reply) => {
    const route = routeHost(request.hostname);
    if (route.kind !== 'sites') return notFound(request, reply);
    return send(request, reply, await bySlug(request.params.slug));
  });

  app.get('/', {
    schema: {
      tags: ['hosting'],
      summary: "The platform's home page on the API host; a hosted site on its subdomain or verified custom domain",
      produces: ['text/html'],
      response: PageResponses,
    },
  }, async (request, reply) => {
    const route = routeHost(request.hostname);
    if (route.kind === 'subdomain') return send(request, reply, await bySlug(route.slug));
    if (route.kind === 'custom') return send(request, reply, await byHost(route.host));
    if (route.kind === 'api') return send(request, reply, await home());
    return send(request, reply, loader.notFound);
  });

  app.get('/help', {
    schema: { tags: ['hosting'], summary: "The platform's help page on the API host (on the sites host, the site with the slug `help`)", produces: ['text/html'], response: PageResponses },
  }, async (request, reply) => {
    const route = routeHost(request.hostname);
    if (route.kind === 'sites') return send(request, reply, await bySlug('help'));
    if (route.kind !== 'api') return notFound(request, reply);
    return reply.type(HTML_TYPE).header('cache-control', 'public, max-age=300').send(helpPage);
  });

  async function siteServedAt(name: string): Promise<string | null> {
    const route = routeHost(name);
    const answer = route.kind === 'subdomain' && isSlug(route.slug) ? await loader.bySlug(route.slug) : route.kind === 'custom' ? await loader.byCustomDomain(route.host) : null;
    return answer?.siteId ?? null;
  }
  tlsAskRoute(app, config.hosting, (name) => decisions.decide(name, siteServedAt));
};

/** The hosting routes, with the page cache and its change listener decorated onto the app. */
export const hostingRoutes = fp(hosting, { name: 'hosting', dependencies: ['context'] });
