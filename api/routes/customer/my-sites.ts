import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../../lib/errors.js';
import { rejectSession } from '../../auth/authenticate.js';
import { OwnedSite } from '../../schemas/answers.js';
import { errorResponses } from '../../schemas/common.js';
import { listOwnedSites, setPrimarySite } from '../../services/owned-sites.js';
import { readOwnedSites } from '../../services/owner-reads.js';

const MySites = Type.Object({ sites: Type.Array(OwnedSite), total: Type.Integer(), has_multiple_sites: Type.Boolean() });
const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** The owner's portal: the sites they own and which one is primary. */
export const mySitesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/my-sites', {
    config: { access: 'token' },
    schema: { tags: ['portal'], summary: 'All sites the customer owns, primary first', security: [{ bearer: [] }], response: { 200: MySites, ...errorResponses(401) } },
  }, async (request, reply) => {
    const sites = await readOwnedSites(app.sql, app.deps.config, request.claims) ?? await rejectSession(request, reply);
    return { sites, total: sites.length, has_multiple_sites: sites.length > 1 };
  });

  app.get('/my-site', {
    config: { access: 'token' },
    schema: { tags: ['portal'], summary: 'The primary site (kept for clients written before multi-site)', security: [{ bearer: [] }], response: { 200: OwnedSite, ...errorResponses(401, 404) } },
  }, async (request, reply) => {
    const [primary] = await readOwnedSites(app.sql, app.deps.config, request.claims) ?? await rejectSession(request, reply);
    if (!primary) throw new NotFoundError('no_site', 'You do not own a site yet');
    return primary;
  });

  app.put('/sites/:siteId/primary', {
    config: { action: 'site.primary' },
    schema: {
      tags: ['portal'], summary: 'Make one of your sites the primary site', security: [{ bearer: [] }],
      params: SiteIdParams, response: { 200: MySites, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    await setPrimarySite(request.em, request.customer.id, request.params.siteId);
    const sites = await listOwnedSites(request.em.fork(), app.deps.config, request.customer.id);
    return { sites, total: sites.length, has_multiple_sites: sites.length > 1 };
  });
};
