import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';

/** States of a site's monthly subscription. */
export const SUBSCRIPTION_STATUSES = ['pending_activation', 'active', 'past_due', 'suspended', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The monthly plan that keeps one site live; one row per site. */
export const Subscription = defineEntity({
  name: 'Subscription',
  tableName: 'subscriptions',
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site).unique(),
    customer: () => p.manyToOne(CustomerUser),
    providerSubscriptionId: p.string().nullable().unique(),
    status: p.enum(SUBSCRIPTION_STATUSES).default('pending_activation'),
    amountCents: p.integer(),
    currency: p.string().length(3),
    currentPeriodStart: p.datetime().nullable(),
    currentPeriodEnd: p.datetime().nullable(),
    graceEndsAt: p.datetime().nullable(),
    cancelAtPeriodEnd: p.boolean().default(false),
    cancelledAt: p.datetime().nullable(),
    /** The provider will not charge `providerSubscriptionId` again (it ended it, or we stopped it): renewing needs a new checkout. */
    providerSubscriptionEnded: p.boolean().default(false),
    /** Why the last charge failed; cleared by the next successful one. */
    lastPaymentFailure: p.string().nullable(),
  },
});
export type ISubscription = InferEntity<typeof Subscription>;
