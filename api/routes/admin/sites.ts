import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { siteExists } from '../../../db/sites.js';
import { NotFoundError, ValidationError } from '../../../lib/errors.js';
import { SiteContentSchema } from '../../../lib/site-editor/content.js';
import { EditDecision, EditRequestView, Version } from '../../schemas/answers.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import { EDIT_REQUEST_STATUSES } from '../../schemas/statuses.js';
import { createPreviewSite, ImportReport, importPreviewSites, PreviewSiteSchema, previewSitesFromCsv } from '../../services/preview-sites.js';
import { decideEdit, editRequest, editRequestsInStatus, freshVersionView, publishVersion } from '../../services/site-edits.js';

const MAX_IMPORT_ROWS = 500;

/** Operator tools for sites (admin token): preview sites one by one or in bulk, publishing by hand, drafting edits by hand. */
export const adminSiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/sites', {
    schema: { tags, security, summary: 'Create a preview site (business and first version)', body: PreviewSiteSchema, response: { 201: Type.Object({ site_id: Type.String({ format: 'uuid' }), slug: Type.String() }), ...errorResponses(400, 401, 409) } },
  }, async (request, reply) => {
    const siteId = await createPreviewSite(request.em, app.deps.config.pricing, request.body);
    return reply.status(201).send({ site_id: siteId, slug: request.body.slug });
  });

  app.post('/sites/import', {
    schema: {
      tags, security, summary: 'Create preview sites in bulk from JSON; each row on its own, with a report of the rows refused',
      body: Type.Object({ sites: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_IMPORT_ROWS }) }, { additionalProperties: false }),
      response: { 200: ImportReport, ...errorResponses(400, 401) },
    },
  }, async (request) => importPreviewSites(request.em, app.deps.config.pricing, request.body.sites));

  app.post('/sites/import.csv', {
    schema: {
      tags, security, summary: 'Create preview sites in bulk from CSV (text/csv; services and hours separated by |)',
      consumes: ['text/csv'], body: Type.String({ minLength: 1 }),
      response: { 200: ImportReport, ...errorResponses(400, 401, 415) },
    },
  }, async (request) => {
    const parsed = previewSitesFromCsv(request.body);
    if ('error' in parsed) throw new ValidationError('invalid_csv', parsed.error);
    if (parsed.rows.length === 0 || parsed.rows.length > MAX_IMPORT_ROWS) throw new ValidationError('invalid_csv', `the CSV must have 1 to ${MAX_IMPORT_ROWS} rows`);
    return importPreviewSites(request.em, app.deps.config.pricing, parsed.rows);
  });

  app.post('/sites/:siteId/versions/:n/publish', {
    schema: {
      tags, security, summary: 'Publish a version by hand (any version that was not discarded)',
      params: Type.Object({ siteId: Type.String({ format: 'uuid' }), n: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
      response: { 200: Version, ...errorResponses(400, 401, 404, 409) },
    },
  }, async (request) => {
    if (!(await siteExists(request.em, request.params.siteId))) throw new NotFoundError('site_not_found', 'No such site');
    await publishVersion(request.em, request.params.siteId, request.params.n, 'admin');
    return freshVersionView(request.em, request.params.siteId, request.params.n);
  });

  app.get('/edit-requests', {
    schema: {
      tags, security, summary: 'Edit requests, oldest first (default: those waiting for an agent’s draft)',
      querystring: Type.Object({ status: Type.Optional(Type.Union(EDIT_REQUEST_STATUSES.map((s) => Type.Literal(s)))) }, { additionalProperties: false }),
      response: { 200: Type.Object({ edit_requests: Type.Array(EditRequestView) }), ...errorResponses(400, 401) },
    },
  }, async (request) => {
    return { edit_requests: await editRequestsInStatus(request.em, request.query.status ?? 'needs_agent') };
  });

  app.put('/edit-requests/:id/draft', {
    schema: {
      tags, security, summary: 'Draft the change by hand; the owner then previews and approves it as any other',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ content: SiteContentSchema, summary: SingleLine(300) }, { additionalProperties: false }),
      response: { 200: EditDecision, ...errorResponses(400, 401, 404, 409) },
    },
  }, async (request) => {
    const edit = await editRequest(request.em, request.params.id);
    const state = await decideEdit(app.deps, edit, { kind: 'agent_draft', content: request.body.content, summary: request.body.summary.trim() });
    return { status: state.status, version_number: state.versionNumber, reason: state.reason };
  });
};
