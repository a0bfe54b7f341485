import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Site } from './site.entity.js';

/** What was done with a provider payment: applied (bought or renewed), refunded, or parked for an operator. */
export const PAYMENT_OUTCOMES = ['applied', 'refunded', 'parked'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];

/**
 * One row per provider payment a workflow has decided on: the durable answer to "was this payment already
 * applied?" (not an in-memory list), and at most one applied purchase per site.
 */
export const ProcessedPayment = defineEntity({
  name: 'ProcessedPayment',
  tableName: 'processed_payments',
  uniques: [{ name: 'processed_payments_one_purchase_per_site', properties: ['site'], where: { kind: 'purchase', outcome: 'applied' } }],
  properties: {
    ...appendOnlyProperties,
    providerPaymentId: p.string().unique(),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    kind: p.enum(['purchase', 'subscription'] as const),
    outcome: p.enum(PAYMENT_OUTCOMES),
    workflowId: p.string(),
    /** The run that decided; a retried activity of the same run finds its own decision, a later run finds it taken. */
    runId: p.string(),
  },
});
export type IProcessedPayment = InferEntity<typeof ProcessedPayment>;
