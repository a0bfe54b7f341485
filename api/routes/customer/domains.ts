import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
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

  app.post('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Connect a custom domain; answers the DNS records to create', security,
      params: SiteIdParams,
      body: Type.Object({ domain: DomainName }, { additionalProperties: false }),
      response: { 200: SiteDomain, 201: SiteDomain, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const { created, domain } = await connectDomain(request.em, app.deps, request.params.siteId, request.body.domain);
    return reply.code(created ? 201 : 200).send(domain);
  });

  app.get('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: { tags: ['domains'], summary: 'The custom domain, its status and what DNS last showed', security, params: SiteIdParams, response: { 200: SiteDomain, ...errorResponses(401, 403, 404) } },
  }, async (request) => getDomain(request.em, app.deps.config, request.params.siteId));

  app.post('/sites/:siteId/domain/check', {
    config: { action: 'domain.manage' },
    schema: { tags: ['domains'], summary: 'Check the DNS records now', security, params: SiteIdParams, response: { 202: SiteDomain, ...errorResponses(401, 403, 404, 409) } },
  }, async (request, reply) => reply.code(202).send(await requestDomainCheck(request.em, app.deps, request.params.siteId)));

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
