import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';

/**
 * Monthly money roll-up per site for the business reports, kept by the `payments_roll_up_months` trigger: what the
 * site's payments took in one UTC month (failed charges left out), whether its subscription was paid that month
 * (`paid_cents` > 0), the month before and the month after, and the month of its first subscription payment.
 */
export const SitePaymentMonth = defineEntity({
  name: 'SitePaymentMonth',
  tableName: 'site_payment_months',
  uniques: [{ properties: ['site', 'month'] }],
  indexes: [{ properties: ['month'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    month: p.date(),
    currency: p.string().length(3),
    purchaseCents: p.integer().default(0),
    subscriptionCents: p.integer().default(0),
    refundCents: p.integer().default(0),
    /** Subscription payments that succeeded (not refunded): the site paid its subscription this month when above zero. */
    paidCents: p.integer().default(0),
    prevPaid: p.boolean().default(false),
    nextPaid: p.boolean().default(false),
    /** First month the site paid its subscription; null while it never has. */
    cohort: p.date().nullable(),
  },
});
export type ISitePaymentMonth = InferEntity<typeof SitePaymentMonth>;
