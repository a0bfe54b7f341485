import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { countAttempt, LimitKeys } from '../../auth/rate-limit.js';
import { errorResponses } from '../../schemas/common.js';
import { SiteDomain } from '../../schemas/domains.js';
import { connectDomain, getDomain, removeDomain, requestDomainCheck } from '../../services/domains.js';

const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const security = [{ bearer: [] }];

/** The owner's custom domain of a site: connect, read, check now, disconnect. */
export const domainRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const keys = LimitKeys.from(app.deps.config);
  const { checkWindowMs: windowMs, maxChecksPerSite, maxChecksPerCustomer } = app.deps.config.domains;
  /** Connecting and checking ask DNS and may send an email: a site and a customer get only so many per window. */
  async function countCheck(request: FastifyRequest<{ Params: { siteId: string } }>, reply: FastifyReply): Promise<void> {
    await countAttempt(request.em, reply, keys.key('domain-check-site', request.params.siteId), { max: maxChecksPerSite, windowMs }, 'for this site\'s domain');
    await countAttempt(request.em, reply, keys.key('domain-check-customer', request.customer.id), { max: maxChecksPerCustomer, windowMs }, 'for your domains');
  }

  app.post('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Connect a custom domain; answers the DNS records to create', security,
      params: SiteIdParams,
      body: Type.Object({ domain: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false }),
      description: 'Connects and checks count against `DOMAIN_CHECK_MAX_PER_SITE` and `DOMAIN_CHECK_MAX_PER_CUSTOMER` per window (429 `rate_limited` with Retry-After).',
      response: { 200: SiteDomain, 201: SiteDomain, ...errorResponses(400, 401, 403, 404, 409, 429) },
    },
  }, async (request, reply) => {
    await countCheck(request, reply);
    const { created, domain } = await connectDomain(request.em, app.deps, request.params.siteId, request.body.domain);
    return reply.code(created ? 201 : 200).send(domain);
  });

  app.get('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: { tags: ['domains'], summary: 'The custom domain, its status and what DNS last showed', security, params: SiteIdParams, response: { 200: SiteDomain, ...errorResponses(401, 403, 404) } },
  }, async (request) => getDomain(request.em, app.deps.config, request.params.siteId));

  app.post('/sites/:siteId/domain/check', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Check the DNS records now', security, params: SiteIdParams,
      description: 'Counts against the same per-site and per-customer limits as connecting (429 `rate_limited` with Retry-After).',
      response: { 202: SiteDomain, ...errorResponses(401, 403, 404, 409, 429) },
    },
  }, async (request, reply) => {
    await countCheck(request, reply);
    return reply.code(202).send(await requestDomainCheck(request.em, app.deps, request.params.siteId));
  });

  app.delete('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Disconnect the custom domain (it stops being served at once)', security, params: SiteIdParams,
      response: { 200: Type.Object({ removed: Type.Array(Type.String()) }), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => removeDomain(request.em, app.deps, request.params.siteId));
};
