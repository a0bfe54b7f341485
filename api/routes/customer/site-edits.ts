import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import type { AppConfig } from '../../../lib/config.js';
import { countAttempt, LimitKeys } from '../../auth/rate-limit.js';
import { EditDecision, EditRequestView, Version } from '../../schemas/answers.js';
import { errorResponses } from '../../schemas/common.js';
import {
  customerEditRequestDto, decideEdit, freshVersionView, openEditRequest, publishVersion, siteEditRequest, siteEditRequests, siteVersion, siteVersions,
  versionDto,
} from '../../services/site-edits.js';

const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const VersionParams = Type.Object({ siteId: Type.String({ format: 'uuid' }), n: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
const EditParams = Type.Object({ siteId: Type.String({ format: 'uuid' }), id: Type.String({ format: 'uuid' }) });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/** Each edit request drafts a change (possibly with an LLM) and sends an email: a site and a customer get only so many per window. */
export function editRequestLimit(config: AppConfig) {
  const keys = LimitKeys.from(config);
  const { requestWindowMs: windowMs, maxRequestsPerSite, maxRequestsPerCustomer } = config.edits;
  return async (request: FastifyRequest, reply: FastifyReply, siteId: string): Promise<void> => {
    await countAttempt(request.em, reply, keys.key('edit-request-site', siteId), { max: maxRequestsPerSite, windowMs }, 'for this site\'s edit requests');
    await countAttempt(request.em, reply, keys.key('edit-request-customer', request.customer.id), { max: maxRequestsPerCustomer, windowMs }, 'for your edit requests');
  };
}

/** Versions, rollback and edit requests of the customer's sites (`/customer/sites/:siteId/...`). */
export const siteEditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['site versions and edits'];
  const security = [{ bearer: [] }];
  const countEditRequest = editRequestLimit(app.deps.config);

  app.get('/sites/:siteId/versions', {
    config: { action: 'site.read' },
    schema: { tags, security, summary: 'The site’s versions, newest first (owners and collaborators)', params: SiteParams, response: { 200: Type.Object({ versions: Type.Array(Version) }), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    const { site } = request;
    return { versions: await siteVersions(request.em, site) };
  });

  app.get('/sites/:siteId/versions/:n', {
    config: { action: 'site.read' },
    schema: { tags, security, summary: 'One version with its content', params: VersionParams, response: { 200: Version, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    const { site } = request;
    return versionDto(await siteVersion(request.em, site.id, request.params.n), site, true);
  });

  app.post('/sites/:siteId/versions/:n/publish', {
    config: { action: 'edits.decide' },
    schema: {
      tags, security, summary: 'Make a version live again (rollback); owners only', params: VersionParams,
      description: 'Only which version is live changes; no copy is made. A version that was never published goes live through its edit request.',
      response: { 200: Version, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { site } = request;
    await publishVersion(request.em, site.id, request.params.n, 'owner');
    return freshVersionView(request.em, site.id, request.params.n);
  });

  app.post('/sites/:siteId/edit-requests', {
    config: { action: 'edits.request' },
    schema: {
      tags, security, summary: 'Ask for a change; a preview follows by email (owners only)', params: SiteParams,
      body: Type.Object({ request: Text(FIELD_LIMITS.editRequest) }, { additionalProperties: false }),
      description: 'A site whose subscription is not active (or in grace) answers 402 subscription_inactive; past `EDIT_REQUEST_MAX_PER_SITE` or `EDIT_REQUEST_MAX_PER_CUSTOMER` per window, 429 rate_limited.',
      response: { 201: EditRequestView, ...errorResponses(400, 401, 402, 403, 404, 429) },
    },
  }, async (request, reply) => {
    const { site } = request;
    await countEditRequest(request, reply, site.id);
    const created = await openEditRequest(app.deps, request.em, site, request.customer.id, request.body.request.trim());
    return reply.status(201).send(customerEditRequestDto(app.deps.config, created));
  });

  app.get('/sites/:siteId/edit-requests', {
    config: { action: 'site.read' },
    schema: { tags, security, summary: 'The site’s edit requests, newest first', params: SiteParams, response: { 200: Type.Object({ edit_requests: Type.Array(EditRequestView) }), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    const { site } = request;
    const rows = await siteEditRequests(request.em, site.id);
    return { edit_requests: rows.map((row) => customerEditRequestDto(app.deps.config, row)) };
  });

  app.get('/sites/:siteId/edit-requests/:id', {
    config: { action: 'site.read' },
    schema: { tags, security, summary: 'One edit request', params: EditParams, response: { 200: EditRequestView, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    const { site } = request;
    return customerEditRequestDto(app.deps.config, await siteEditRequest(request.em, site.id, request.params.id));
  });

  app.post('/sites/:siteId/edit-requests/:id/approve', {
    config: { action: 'edits.decide' },
    schema: { tags, security, summary: 'Approve the preview: it goes live (owners only)', params: EditParams, response: { 200: EditDecision, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => {
    const { site } = request;
    const state = await decideEdit(app.deps, await siteEditRequest(request.em, site.id, request.params.id), { kind: 'approve' });
    return { status: state.status, version_number: state.versionNumber, reason: state.reason };
  });

  app.post('/sites/:siteId/edit-requests/:id/reject', {
    config: { action: 'edits.decide' },
    schema: {
      tags, security, summary: 'Reject the preview; an agent follows up (owners only)', params: EditParams,
      body: Type.Object({ reason: Text(FIELD_LIMITS.rejectReason) }, { additionalProperties: false }),
      response: { 200: EditDecision, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { site } = request;
    const state = await decideEdit(app.deps, await siteEditRequest(request.em, site.id, request.params.id), { kind: 'reject', reason: request.body.reason.trim() });
    return { status: state.status, version_number: state.versionNumber, reason: state.reason };
  });
};
