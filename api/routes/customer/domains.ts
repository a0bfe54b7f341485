import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { errorResponses } from '../../schemas/common.js';
import { SiteDomain } from '../../schemas/domains.js';
import { connectDomain, getDomain, removeDomain, requestDomainCheck } from '../../services/domains.js';

const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const security = [{ bearer: [] }];

/** The owner's custom domain of a site: connect, read, check now, disconnect. */
export const domainRoutes: FastifyPluginAsyncTypebox = async (app) => {

  app.post('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Connect a custom domain; answers the DNS records to create', security,
      params: SiteIdParams,
      body: Type.Object({ domain: Type.String({ minLength: 1, maxLength: FIELD_LIMITS.domain }) }, { additionalProperties: false }),
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

  app.delete('/sites/:siteId/domain', {
    config: { action: 'domain.manage' },
    schema: {
      tags: ['domains'], summary: 'Disconnect the custom domain (it stops being served at once)', security, params: SiteIdParams,
      response: { 200: Type.Object({ removed: Type.Array(Type.String()) }), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => removeDomain(request.em, app.deps, request.params.siteId));
};
