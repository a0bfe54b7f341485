import type { EntityManager } from '@mikro-orm/postgresql';
import { OperatorCase } from '../../db/entities/index.js';
import type { IOperator } from '../../db/entities/operator.entity.js';
import type { IOperatorCase } from '../../db/entities/operator-case.entity.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';

/** A case as the operators' list shows it. */
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

/** Operator cases, oldest first: the open ones, or all. */
export async function listOperatorCases(em: EntityManager, includeResolved: boolean, limit: number) {
  const rows = await em.find(OperatorCase, includeResolved ? {} : { resolvedAt: null }, { orderBy: { createdAt: 'asc' }, limit, populate: ['site'] });
  return rows.map(view);
}

/** Marks a case resolved with what was done and who did it (null: the admin API token); a case is resolved once. */
export async function resolveOperatorCase(em: EntityManager, id: string, operator: IOperator | null, resolution: string) {
  const row = await em.findOne(OperatorCase, id, { populate: ['site'] });
  if (!row) throw new NotFoundError('case_not_found', 'No operator case with this id');
  if (row.resolvedAt) throw new ConflictError('case_already_resolved', 'This case was already resolved');
  row.resolvedAt = new Date();
  row.resolution = resolution;
  row.resolvedBy = operator;
  row.resolvedByName = operator?.name ?? 'admin API token';
  await em.flush();
  return view(row);
}
