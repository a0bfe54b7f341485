import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { errorResponses } from '../../schemas/common.js';
import { OPERATOR_CASE_KINDS } from '../../schemas/statuses.js';
import { listOperatorCases, resolveOperatorCase } from '../../services/operator-cases.js';

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
  resolution: Type.String({ minLength: 1, maxLength: FIELD_LIMITS.resolution, description: 'What the operator did' }),
}, { additionalProperties: false });

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
    return { cases: await listOperatorCases(request.em, request.query.include_resolved ?? false, request.query.limit ?? 100) };
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
    return resolveOperatorCase(request.em, request.params.id, request.operator, request.body.resolution);
  });
};
