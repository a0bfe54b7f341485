import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { countAttempt, LimitKeys } from '../../auth/rate-limit.js';
import { errorResponses } from '../../schemas/common.js';
import { checkedInCode } from '../../schemas/documented.js';
import { SiteDomain } from '../../schemas/domains.js';
import { askForDomainCheck } from '../../services/domain-checks.js';
import { connectDomain, getDomain, removeDomain, requestDomainCheck } from '../../services/domains.js';

const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** A label of a name as owners type it: ASCII letters, digits and dashes, or any letter of an internationalised name. */
const LABEL = '[-a-zA-Z0-9\\u00a1-\\uffff]';
/**
 * The name to connect, checked by `checkDomainName` (400 invalid_domain and friends): its shape is stated here (at
 * least two labels, the last not all digits, so no IP address; no scheme, path, port or wildcard); the rest in words.
 */
const DomainName = checkedInCode(Type.String({
  minLength: 1, maxLength: FIELD_LIMITS.domain,
  description: 'A domain name such as www.example.com (case, surrounding blanks and a trailing dot are ignored; internationalised names are allowed). '
    + 'At most 253 characters and 63 per label once in ASCII, labels neither starting nor ending with a dash, registrable under the public suffix list, '
    + 'not a wildcard, an IP address or a name of the platform itself.',
}), { pattern: `^\\s*(?:${LABEL}{1,63}\\.)+${LABEL}*[-a-zA-Z\\u00a1-\\uffff]${LABEL}*\\.?\\s*$` });
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
      body: Type.Object({ domain: DomainName }, { additionalProperties: false }),
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

  app.post('/sites/:siteId/domain/ask', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Ask a person to check the domain: opens a support request the agents answer by `due_at` (again: the same request)', security, params: SiteIdParams,
      response: {
        200: Type.Object({ ticket_id: Type.String({ format: 'uuid' }), created: Type.Boolean(), due_at: Type.String({ format: 'date-time' }) }),
        201: Type.Object({ ticket_id: Type.String({ format: 'uuid' }), created: Type.Boolean(), due_at: Type.String({ format: 'date-time' }) }),
        ...errorResponses(401, 403, 404),
      },
    },
  }, async (request, reply) => {
    const asked = await askForDomainCheck(app.deps, request.em, request.customer.id, request.params.siteId);
    return reply.code(asked.created ? 201 : 200).send(asked);
  });

  app.delete('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Disconnect the custom domain (it stops being served at once)', security, params: SiteIdParams,
      response: { 200: Type.Object({ removed: Type.Array(Type.String()) }), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => removeDomain(request.em, app.deps, request.params.siteId));
};
