import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { BotHit, CollectedHit } from '../../../db/analytics.js';
import { deviceClass, parseUtm, referrerHost } from '../../../lib/analytics/visitor.js';
import { ForbiddenError, NotFoundError } from '../../../lib/errors.js';
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

const CollectBody = Type.Object({ site: Slug, events: Type.Array(CollectEvent, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false });

/** Answers CORS for a site's own hosts only; a page elsewhere gets 403 and nothing is stored. */
function allowOrigin(request: FastifyRequest, reply: FastifyReply, site: CollectSite): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
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
      description: 'Cookieless. The client address is truncated (IPv4 /24, IPv6 /48) before anything is kept; nothing is stored for DNT: 1 or Sec-GPC: 1; crawlers are only counted. Accepted beacons are written in batches.',
      body: CollectBody,
      response: { 204: Type.Null(), ...errorResponses(400, 403, 404) },
    },
  }, async (request, reply) => {
    const site = await app.siteDirectory.find(request.em, request.body.site);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.body.site}"`);
    allowOrigin(request, reply, site);
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
      summary: 'The A/B variants this visitor sees on the site (records the exposure)',
      querystring: Type.Object({ site: Slug }),
      response: {
        200: Type.Object({ variants: Type.Array(ServedVariantSchema) }),
        ...errorResponses(400, 403, 404),
      },
    },
  }, async (request, reply) => {
    const site = await app.siteDirectory.find(request.em, request.query.site);
    if (!site) throw new NotFoundError('site_not_found', `No site with slug "${request.query.site}"`);
    allowOrigin(request, reply, site);
    reply.header('cache-control', 'private, no-store');
    const visitor = anonymousVisitor(request, app.deps.config.analytics, site.id);
    return { variants: await servedVariants(request.em, site, visitor.visitorId) };
  });
};
