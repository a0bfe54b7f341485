import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';

/** What a payment paid for. */
export const PAYMENT_KINDS = ['purchase', 'subscription'] as const;
/** Outcome of a payment at the provider. */
export const PAYMENT_STATUSES = ['succeeded', 'failed', 'refunded'] as const;

/** A payment reported by the provider; a provider payment id is recorded once. */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  indexes: [{ properties: ['site', 'paidAt'] }],
  // Keeps site_payment_months (the reports' roll-up) in step with every payment written, refunded or removed.
  triggers: [{ name: 'payments_roll_up_months', timing: 'after', events: ['insert', 'update', 'delete'], expression: `create trigger "payments_roll_up_months" after insert or update or delete on "payments" for each row execute function "payments_roll_up_months"()` }],
  properties: {
    ...appendOnlyProperties,
    provider: p.string(),
    providerCheckoutId: p.string().nullable().index(),
    providerPaymentId: p.string().unique(),
    providerSubscriptionId: p.string().nullable().index(),
    site: () => p.manyToOne(Site),
    customer: () => p.manyToOne(CustomerUser).nullable(),
    kind: p.enum(PAYMENT_KINDS),
    amountCents: p.integer(),
    currency: p.string().length(3),
    status: p.enum(PAYMENT_STATUSES),
    failureReason: p.string().nullable(),
    paidAt: p.datetime().nullable(),
  },
});
export type IPayment = InferEntity<typeof Payment>;
