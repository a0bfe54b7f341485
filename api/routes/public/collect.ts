import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { BotHit, CollectedHit } from '../../../db/analytics.js';
import { deviceClass, parseUtm, referrerHost } from '../../../lib/analytics/visitor.js';
import { limitAddress } from '../../../lib/client-address.js';
import { AppError, ForbiddenError, NotFoundError } from '../../../lib/errors.js';
import { LimitKeys } from '../../../lib/limit-keys.js';
import { ServedVariantSchema } from '../../schemas/analytics.js';
import { errorResponses, Slug } from '../../schemas/common.js';
import { anonymousVisitor, type CollectSite } from '../../services/analytics.js';
import { servedVariants } from '../../services/experiments.js';

const MAX_AGE_MS = 30 * 60_000;

const CollectEvent = Type.Object({
  type: Type.Union([Type.Literal('page_view'), Type.Literal('cta_click')]),
  path: Type.String({ minLength: 1, maxLength: 2048, pattern: '^/' }),
  search: Type.Optional(Type.String({ maxLength: 2048 })),
  referrer: Type.Optional(Type.String({ maxLength: 2048 })),
  target: Type.Optional(Type.Union([Type.Literal('call'), Type.Literal('email'), Type.Literal('claim')])),
  age: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
}, { additionalProperties: false });

/** The site a beacon (body) or a variant request (query) names. */
function siteOf(request: FastifyRequest): string {
  const site = (request.body as { site?: unknown } | undefined)?.site ?? (request.query as { site?: unknown } | undefined)?.site;
  return typeof site === 'string' ? site : '';
}

/** Counts a request per client address (IPv6 by its /64) and per site; answers 429 with Retry-After past either. */
function collectLimits(app: Parameters<FastifyPluginAsyncTypebox>[0]) {
  const { analytics } = app.deps.config;
  const limiters = [
    app.createRateLimit({ max: analytics.collectPerClientPerMinute, timeWindow: 60_000, keyGenerator: (r) => `collect|${limitAddress(r.ip)}` }),
    app.createRateLimit({ max: analytics.collectPerSitePerMinute, timeWindow: 60_000, keyGenerator: (r) => `collect-site|${siteOf(r)}` }),
  ];
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    for (const limiter of limiters) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        const retryAfter = Math.max(1, result.ttlInSeconds);
        reply.header('retry-after', String(retryAfter));
        throw new AppError(429, 'rate_limited', 'Too many analytics requests; try again later', { retry_after: retryAfter });
      }
    }
  };
}

const CollectBody = Type.Object({ site: Slug, events: Type.Array(CollectEvent, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false });

/**
 * Answers CORS for a site's own hosts only; a page elsewhere gets 403 and nothing is stored. With `required` (beacons:
 * browsers send Origin on every POST) a request without one is refused too.
 */
function allowOrigin(request: FastifyRequest, reply: FastifyReply, site: CollectSite, required = false): void {
  const origin = request.headers.origin;
  if (origin === undefined) {
    if (required) throw new ForbiddenError('origin_required', 'Collection is accepted only from the site\'s own pages (Origin header)');
    return;
  }
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (!site.hosts.includes(host)) throw new ForbiddenError('origin_not_allowed', 'Collection is accepted only from the site\'s own pages');
  reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
}

/** The page script, the beacon endpoint and the variant endpoint of first-party analytics. */
export const collectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { analytics } = app.deps.config;
  const keys = LimitKeys.from(app.deps.config);
  const countRequest = collectLimits(app);

  // sendBeacon posts text/plain (a CORS-safelisted type, so no preflight); its body is the same JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('The body is not valid JSON'), { statusCode: 400, code: 'invalid_json' }), undefined);
    }
  });

  app.options('/collect', { schema: { hide: true } }, async (request, reply) => {
    reply.header('access-control-allow-methods', 'POST').header('access-control-allow-headers', 'content-type').header('access-control-max-age', '86400');
    const origin = request.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    return reply.status(204).send();
  });

  app.post('/collect', {
    schema: {
      tags: ['analytics'],
      summary: 'Page views and clicks from the page script (beacon; text/plain or JSON)',
      description: 'Cookieless. The client address is truncated (IPv4 /24, IPv6 /48) before anything is kept; nothing is stored for DNT: 1 or Sec-GPC: 1; crawlers are only counted. '
        + 'Accepted only with an `Origin` of one of the site\'s hosts (403 otherwise), at most `COLLECT_MAX_PER_CLIENT` requests a minute per client and `COLLECT_MAX_PER_SITE` per site (429). '
        + 'Accepted beacons are written in batches; when the queue is full (`ANALYTICS_MAX_QUEUED`) hits are dropped and counted.',
      body: CollectBody,
      response: { 204: Type.Null(), ...errorResponses(400, 403, 404, 429) },
    },
  }, async (request, reply) => {
    await countRequest(request, reply);
    const site = await app.siteDirectory.find(request.em, request.body.site);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.body.site}"`);
    allowOrigin(request, reply, site, true);
    const now = Date.now();
    const visitor = anonymousVisitor(request, app.deps.config.analytics, site.id, new Date(now));
    if (visitor.optedOut) return reply.status(204).send(null);
    const at = (age: number | undefined) => new Date(now - Math.min(age ?? 0, MAX_AGE_MS));
    if (visitor.bot || !visitor.visitorId) {
      const bots: BotHit[] = request.body.events.filter((e) => e.type === 'page_view').map((e) => ({ siteId: site.id, at: at(e.age) }));
      app.analyticsCollector.add([], bots);
      return reply.status(204).send(null);
    }
    const device = deviceClass(visitor.userAgent);
    const hits: CollectedHit[] = request.body.events.map((e) => ({
      siteId: site.id,
      visitorId: visitor.visitorId!,
      truncatedIp: visitor.truncatedIp,
      deviceClass: device,
      at: at(e.age),
      type: e.type,
      path: e.path.split('?')[0]!.slice(0, 255),
      target: e.type === 'cta_click' ? (e.target ?? null) : null,
      referrerHost: referrerHost(e.referrer, site.hosts),
      utm: parseUtm(e.search ?? ''),
    }));
    app.analyticsCollector.add(hits);
    return reply.status(204).send(null);
  });

  app.get('/collect/variants', {
    schema: {
      tags: ['analytics'],
      summary: 'The content this visitor sees in each A/B slot of the site (records the exposure)',
      description: 'Answers each slot\'s content only, never which experiment or variant it is. A client address starts at most `EXPERIMENT_MAX_EXPOSURES_PER_CLIENT` '
        + 'exposures per window (past it: control, nothing recorded), and a goal counts only for a visitor whose collected page views show the variant was seen. '
        + 'Counted with the beacons against the per-client and per-site limits (429).',
      querystring: Type.Object({ site: Slug }),
      response: {
        200: Type.Object({ variants: Type.Array(ServedVariantSchema) }),
        ...errorResponses(400, 403, 404, 429),
      },
    },
  }, async (request, reply) => {
    await countRequest(request, reply);
    const site = await app.siteDirectory.find(request.em, request.query.site);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.query.site}"`);
    allowOrigin(request, reply, site);
    reply.header('cache-control', 'private, no-store');
    const visitor = anonymousVisitor(request, analytics, site.id);
    return { variants: await servedVariants(request.em, site, visitor.visitorId, { key: keys.address('experiment-exposures', request.ip), max: analytics.maxExposuresPerClient, windowMs: analytics.exposureWindowMs }) };
  });
};
