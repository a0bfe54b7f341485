import type { EntityManager } from '@mikro-orm/postgresql';
import type { SITE_STATUSES } from './entities/site.entity.js';
import type { SUBSCRIPTION_STATUSES } from './entities/subscription.entity.js';

/** Payments of one kind, currency and status: how many and their sum in cents (as text: it may exceed 2^53). */
export interface PaymentTotalRow { kind: 'purchase' | 'subscription'; currency: string; status: 'succeeded' | 'failed' | 'refunded'; count: number; cents: string }
/** Subscriptions of one status and currency: how many, their monthly sum in cents, and how many end with their period. */
export interface SubscriptionTotalRow { status: (typeof SUBSCRIPTION_STATUSES)[number]; currency: string; count: number; cents: string; cancelling: number }
/** Sites of one status. */
export interface SiteCountRow { status: (typeof SITE_STATUSES)[number]; count: number }

/**
 * Payment totals made in [from, to) (open ends when null). A payment counts by when it was made; failed charges
 * have no paid_at, so they count by when they were recorded.
 */
export function paymentTotals(em: EntityManager, from: string | null, to: string | null): Promise<PaymentTotalRow[]> {
  return em.getConnection().execute<PaymentTotalRow[]>(
    `select kind, currency, status, count(*)::int as count, coalesce(sum(amount_cents), 0)::text as cents
       from payments
      where coalesce(paid_at, created_at) >= coalesce(?::timestamptz, '-infinity')
        and coalesce(paid_at, created_at) < coalesce(?::timestamptz, 'infinity')
      group by kind, currency, status`,
    [from, to],
  );
}

/** How many sites are in each status (statuses with none are left out). */
export function siteStatusCounts(em: EntityManager): Promise<SiteCountRow[]> {
  return em.getConnection().execute<SiteCountRow[]>(`select status, count(*)::int as count from sites group by status`);
}

/** Subscription totals per status and currency. */
export function subscriptionTotals(em: EntityManager): Promise<SubscriptionTotalRow[]> {
  return em.getConnection().execute<SubscriptionTotalRow[]>(
    `select status, currency, count(*)::int as count, coalesce(sum(amount_cents), 0)::text as cents,
            count(*) filter (where cancel_at_period_end)::int as cancelling
       from subscriptions
      group by status, currency`,
  );
}
