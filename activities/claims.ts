import { LockMode } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser, OneTimeToken, PurchaseHold, RefreshToken, Site } from '../db/entities/index.js';
import { addSiteOwner, markSiteOwned } from '../db/ownership.js';
import { prepareWelcomeSetPasswordEmail } from '../db/one-time-tokens.js';
import type { AppConfig } from '../lib/config.js';
import type { SendEmailInput } from './email.js';

/** What the claim workflow needs to know about its site. */
export interface ClaimSite {
  siteId: string;
  slug: string;
  title: string;
  businessId: string;
  status: string;
  purchaseAmountCents: number;
  currency: 'USD' | 'GTQ';
  /** Email of the current owner, when the site has one. */
  ownerEmail: string | null;
}

/**
 * The database steps of a purchase (its payment is booked by the payment ledger). Each is idempotent on a business
 * key (email, customer + site), so an activity re-run after a crash finds its own earlier work.
 */
export function createClaimActivities(deps: { orm: MikroORM; config: AppConfig }) {
  return {
    /** Loads the site being claimed, with its owner's email if it already has one. */
    async loadClaimSite(siteId: string): Promise<ClaimSite> {
      const em = deps.orm.em.fork();
      const site = await em.findOne(Site, siteId, { populate: ['business'] });
      // Retrying cannot make a missing site appear: fail the step at once rather than retry forever.
      if (!site) throw ApplicationFailure.nonRetryable(`site ${siteId} does not exist`, 'SiteNotFound');
      const owner = await em.findOne(CustomerSiteOwnership, { site: siteId, role: 'owner' }, { populate: ['customer'] });
      return {
        siteId: site.id,
        slug: site.slug,
        title: site.title,
        businessId: site.business.id,
        status: site.status,
        purchaseAmountCents: site.purchaseAmountCents,
        currency: site.currency as 'USD' | 'GTQ',
        ownerEmail: owner?.customer.email ?? null,
      };
    },

    /**
     * Finds the customer by (case-folded) email or creates one without a password. An existing account whose
     * email was never verified may have been registered by someone else before the real owner paid (account
     * pre-hijacking): its password, sessions and outstanding links are revoked, so only the set-password link
     * emailed to the buyer opens it.
     */
    async findOrCreateCustomer(input: { email: string; name: string }): Promise<{ customerId: string; hasPassword: boolean }> {
      const email = input.email.trim().toLowerCase();
      return deps.orm.em.fork().transactional(async (em) => {
        await em.upsert(CustomerUser, { email, fullName: input.name }, { onConflictFields: ['email'], onConflictAction: 'ignore' });
        const customer = await em.findOneOrFail(CustomerUser, { email }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!customer.emailVerifiedAt) {
          const now = new Date();
          customer.passwordHash = null;
          await em.nativeUpdate(RefreshToken, { customer: customer.id, revokedAt: null }, { revokedAt: now });
          await em.nativeUpdate(OneTimeToken, { customer: customer.id, usedAt: null }, { usedAt: now });
        }
        return { customerId: customer.id, hasPassword: customer.passwordHash != null };
      });
    },

    /**
     * Makes the customer an owner of the site (primary when it is their first) and ties the payment to them, in one
     * transaction that holds the customer's row so two purchases cannot both be primary.
     */
    async addOwnership(input: { customerId: string; siteId: string; paymentId: string; acquiredAt: string }): Promise<{ isPrimary: boolean }> {
      return deps.orm.em.fork().transactional((em) => addSiteOwner(em, { ...input, acquiredAt: new Date(input.acquiredAt) }));
    },

    /** Moves the site from preview to owned (once) and opens a subscription awaiting activation. */
    async markSiteOwned(input: { siteId: string; customerId: string; purchasedAt: string }): Promise<void> {
      await deps.orm.em.fork().transactional((em) => markSiteOwned(em, {
        siteId: input.siteId, customerId: input.customerId, purchasedAt: new Date(input.purchasedAt), sessionTimeoutMs: deps.config.analytics.sessionTimeoutMs,
      }));
    },

    /** Releases the site's open purchase hold once its claim has ended (the same however often it runs). */
    async releasePurchaseHold(siteId: string): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(PurchaseHold, { siteId, releasedAt: null }, { releasedAt: new Date() });
    },

    /** Issues a new owner's set-password link (the same one on a retry) and returns the welcome email carrying it. */
    async prepareWelcomeEmail(input: { customerId: string; siteTitle: string; idempotencyKey: string }): Promise<SendEmailInput> {
      return prepareWelcomeSetPasswordEmail(deps.orm.em.fork(), deps.config, input);
    },
  };
}
