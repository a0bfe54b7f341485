import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { CustomerSiteOwnership, Site, Subscription } from '../db/entities/index.js';
import type { SiteStatus } from '../db/entities/site.entity.js';
import type { SubscriptionStatus } from '../db/entities/subscription.entity.js';

/** The billing state the subscription workflow owns and mirrors onto the `subscriptions` and `sites` rows. */
export interface SubscriptionSnapshot {
  status: SubscriptionStatus;
  providerSubscriptionId: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  graceEndsAt: string | null;
  cancelAtPeriodEnd: boolean;
  cancelledAt: string | null;
}

/** What the workflow knows beyond the snapshot and the API shows: stored so that reads need no workflow query. */
export interface SubscriptionDetail {
  providerSubscriptionEnded: boolean;
  lastPaymentFailure: string | null;
}

/** What the subscription workflow needs to know about its site, its owner and the stored subscription. */
export interface SubscriptionSite {
  siteId: string;
  slug: string;
  title: string;
  amountCents: number;
  currency: 'USD' | 'GTQ';
  owner: { customerId: string; email: string; name: string };
  /** When the site was bought: the activation deadline runs from here (absent in runs recorded before it was read). */
  purchasedAt?: string | null;
  stored: SubscriptionSnapshot;
}

/** Failure type when a site has no subscription row (it was never bought); the workflow does not retry it. */
const SUBSCRIPTION_NOT_FOUND = 'SubscriptionNotFound';

const SITE_STATUS_FOR: Record<SubscriptionStatus, SiteStatus | null> = {
  pending_activation: null,
  active: 'active',
  // The site stays online while the owner is in the grace period.
  past_due: 'active',
  suspended: 'suspended',
  cancelled: 'cancelled',
};

const toIso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const toDate = (iso: string | null) => (iso === null ? null : new Date(iso));

/**
 * The database steps of a subscription (its charges are booked by the payment ledger). Each is idempotent: the state
 * write sets absolute values, so a re-run after a crash leaves the rows as the first run did.
 */
export function createSubscriptionActivities(deps: { orm: MikroORM }) {
  return {
    /** Loads the site, its owner and the stored subscription; fails without retrying when the site has none. */
    async loadSubscriptionSite(siteId: string): Promise<SubscriptionSite> {
      const em = deps.orm.em.fork();
      const subscription = await em.findOne(Subscription, { site: siteId }, { populate: ['site', 'customer'] });
      if (!subscription) throw ApplicationFailure.nonRetryable(`site ${siteId} has no subscription`, SUBSCRIPTION_NOT_FOUND);
      const owner = await em.findOne(CustomerSiteOwnership, { site: siteId, role: 'owner' }, { populate: ['customer'] });
      const customer = owner?.customer ?? subscription.customer;
      const { site } = subscription;
      return {
        siteId: site.id,
        slug: site.slug,
        title: site.title,
        amountCents: subscription.amountCents,
        currency: subscription.currency as 'USD' | 'GTQ',
        owner: { customerId: customer.id, email: customer.email, name: customer.fullName },
        purchasedAt: toIso(site.purchasedAt),
        stored: {
          status: subscription.status,
          providerSubscriptionId: subscription.providerSubscriptionId ?? null,
          periodStart: toIso(subscription.currentPeriodStart),
          periodEnd: toIso(subscription.currentPeriodEnd),
          graceEndsAt: toIso(subscription.graceEndsAt),
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
          cancelledAt: toIso(subscription.cancelledAt),
        },
      };
    },

    /**
     * Writes the workflow's view of the subscription to the subscription and site rows, together; with `detail`
     * (absent from runs recorded before it was stored) also what the API reads besides the snapshot.
     */
    async saveSubscriptionState(input: { siteId: string; snapshot: SubscriptionSnapshot; detail?: SubscriptionDetail }): Promise<void> {
      const { snapshot, detail } = input;
      const providerEnded = detail?.providerSubscriptionEnded ?? false;
      await deps.orm.em.fork().transactional(async (em) => {
        const site = await em.findOneOrFail(Site, input.siteId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const subscription = await em.findOneOrFail(Subscription, { site: input.siteId });
        Object.assign(subscription, {
          status: snapshot.status,
          providerSubscriptionId: snapshot.providerSubscriptionId,
          currentPeriodStart: toDate(snapshot.periodStart),
          currentPeriodEnd: toDate(snapshot.periodEnd),
          graceEndsAt: toDate(snapshot.graceEndsAt),
          cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
          cancelledAt: toDate(snapshot.cancelledAt),
          ...(detail ? { providerSubscriptionEnded: detail.providerSubscriptionEnded, lastPaymentFailure: detail.lastPaymentFailure?.slice(0, 255) ?? null } : {}),
        });
        const siteStatus = SITE_STATUS_FOR[snapshot.status];
        if (siteStatus && site.status !== 'preview') site.status = siteStatus;
        site.subscriptionStatus = snapshot.status;
        site.nextBillingDate = snapshot.status === 'active' && !snapshot.cancelAtPeriodEnd && !providerEnded ? toDate(snapshot.periodEnd) : null;
        site.graceEndsAt = toDate(snapshot.graceEndsAt);
      });
    },
  };
}
