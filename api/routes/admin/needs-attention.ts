import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OperatorCase } from '../../../db/entities/index.js';
import { OPERATOR_CASE_KINDS, type IOperatorCase } from '../../../db/entities/operator-case.entity.js';
import { ConflictError, NotFoundError } from '../../../lib/errors.js';
import { errorResponses } from '../../schemas/common.js';

const CaseView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Enum(OPERATOR_CASE_KINDS),
  reason: Type.String(),
  site_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  site_slug: Type.Union([Type.String(), Type.Null()]),
  workflow_id: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String({ format: 'date-time' }),
  resolved_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  resolution: Type.Union([Type.String(), Type.Null()]),
  resolved_by: Type.Union([Type.String(), Type.Null()], { description: 'The operator who resolved the case, or "admin API token"' }),
});

const ListQuery = Type.Object({
  include_resolved: Type.Optional(Type.Boolean({ default: false, description: 'Also list resolved cases' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false });

const ResolveBody = Type.Object({
  resolution: Type.String({ minLength: 1, maxLength: 2000, description: 'What the operator did' }),
}, { additionalProperties: false });

function view(row: IOperatorCase) {
  return {
    id: row.id,
    kind: row.kind,
    reason: row.reason,
    site_id: row.site?.id ?? null,
    site_slug: row.site?.slug ?? null,
    workflow_id: row.workflowId ?? null,
    payload: row.payload,
    created_at: row.createdAt.toISOString(),
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    resolution: row.resolution ?? null,
    resolved_by: row.resolvedByName ?? null,
  };
}

/**
 * The operators' "needs attention" list: money or messages a workflow could not handle on its own. Open to the console's
 * operator session (CSRF token on resolve) and to the admin API token; a resolution records who made it.
 */
export const needsAttentionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];

  app.get('/', {
    schema: {
      tags, security,
      summary: 'Open operator cases (oldest first): refused refunds and cancels, unconfirmed or mismatched payments, unsendable email',
      querystring: ListQuery,
      response: { 200: Type.Object({ cases: Type.Array(CaseView) }), ...errorResponses(400, 401) },
    },
  }, async (request) => {
    const where = request.query.include_resolved ? {} : { resolvedAt: null };
    const rows = await request.em.find(OperatorCase, where, { orderBy: { createdAt: 'asc' }, limit: request.query.limit ?? 100, populate: ['site'] });
    return { cases: rows.map(view) };
  });

  app.post('/:id/resolve', {
    schema: {
      tags, security,
      summary: 'Marks a case resolved, with what was done',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      body: ResolveBody,
      response: { 200: CaseView, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await request.em.findOne(OperatorCase, request.params.id, { populate: ['site'] });
    if (!row) throw new NotFoundError('case_not_found', 'No operator case with this id');
    if (row.resolvedAt) throw new ConflictError('case_already_resolved', 'This case was already resolved');
    row.resolvedAt = new Date();
    row.resolution = request.body.resolution;
    row.resolvedBy = request.operator;
    row.resolvedByName = request.operator?.name ?? 'admin API token';
    await request.em.flush();
    return view(row);
  });
};
