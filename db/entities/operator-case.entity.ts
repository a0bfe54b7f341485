import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Operator } from './operator.entity.js';
import { Site } from './site.entity.js';

/** What needs a person: money that could not be given back, a payment that does not match, a message that can never be sent. */
export const OPERATOR_CASE_KINDS = ['refund_refused', 'cancel_refused', 'payment_unverified', 'payment_mismatch', 'email_unsendable'] as const;
export type OperatorCaseKind = (typeof OPERATOR_CASE_KINDS)[number];

/**
 * A case raised to operators (the admin "needs attention" list); `key` makes raising it idempotent. A resolved case
 * names who resolved it: the signed-in operator, or (no operator) a machine client with the admin API token.
 */
export const OperatorCase = defineEntity({
  name: 'OperatorCase',
  tableName: 'operator_cases',
  indexes: [{ name: 'operator_cases_open', properties: ['createdAt'], where: { resolvedAt: null } }],
  properties: {
    ...appendOnlyProperties,
    key: p.string().unique(),
    kind: p.enum(OPERATOR_CASE_KINDS),
    reason: p.text(),
    site: () => p.manyToOne(Site).nullable().deleteRule('set null'),
    workflowId: p.string().nullable(),
    payload: p.json<Record<string, unknown>>(),
    resolvedAt: p.datetime().nullable(),
    resolution: p.text().nullable(),
    resolvedBy: () => p.manyToOne(Operator).nullable().deleteRule('set null'),
    resolvedByName: p.string().nullable(),
  },
});
export type IOperatorCase = InferEntity<typeof OperatorCase>;
