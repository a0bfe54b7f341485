import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser, OneTimeToken, Payment, ProcessedPayment, PurchaseHold, RefreshToken, Site, Subscription } from '../db/entities/index.js';
import type { PaymentOutcome } from '../db/entities/processed-payment.entity.js';
import { recordPurchaseCompleted } from '../db/analytics.js';
import { recordPaymentOnce } from '../db/payments.js';
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

/** A successful payment as the provider reported it. */
export interface PaymentRecordInput {
  providerPaymentId: string;
  providerCheckoutId: string | null;
  siteId: string;
  kind: 'purchase' | 'subscription';
  amountCents: number;
  currency: string;
  paidAt: string;
}

/** What a workflow asks before applying a payment: this payment, for this site, as a purchase or a subscription charge. */
export interface PaymentDecisionInput {
  providerPaymentId: string;
  siteId: string;
  kind: 'purchase' | 'subscription';
  /** What to record when the payment is new: `applied` to apply it, `refunded`/`parked` when it is given back or held. */
  outcome: PaymentOutcome;
}

/**
 * The processed-payments table's answer: `decided` is this run's own decision (first time, or a retry of the same
 * run); otherwise the payment was decided earlier (`earlier`) or another payment is already the site's purchase (`taken`).
 */
export interface PaymentDecision {
  status: 'decided' | 'earlier' | 'taken';
  outcome: PaymentOutcome;
}

/**
 * The database steps of a purchase. Each is idempotent on a business key (provider payment id,
 * email, customer + site), so an activity re-run after a crash finds its own earlier work.
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

    /** Records a payment once per provider payment id; returns the row's id either way. */
    async recordPayment(input: PaymentRecordInput): Promise<{ paymentId: string }> {
      const paymentId = await recordPaymentOnce(deps.orm.em.fork(), {
        providerPaymentId: input.providerPaymentId,
        providerCheckoutId: input.providerCheckoutId,
        site: input.siteId,
        kind: input.kind,
        amountCents: input.amountCents,
        currency: input.currency,
        status: 'succeeded',
        paidAt: new Date(input.paidAt),
      });
      return { paymentId };
    },

    /**
     * Records what is done with a provider payment, once: the durable "already applied?" check. At most one purchase
     * per site is applied (a partial unique index), so a second purchase payment is answered `taken`.
     */
    async decidePayment(input: PaymentDecisionInput): Promise<PaymentDecision> {
      const info = Context.current().info;
      const workflowId = info.workflowExecution?.workflowId ?? 'none';
      const runId = info.workflowExecution?.runId ?? 'none';
      const em = deps.orm.em.fork();
      try {
        await em.insert(ProcessedPayment, {
          id: randomUUID(),
          createdAt: new Date(),
          providerPaymentId: input.providerPaymentId, site: input.siteId, kind: input.kind, outcome: input.outcome, workflowId, runId,
        });
        return { status: 'decided', outcome: input.outcome };
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
      }
      const existing = await em.findOne(ProcessedPayment, { providerPaymentId: input.providerPaymentId });
      if (existing) return { status: existing.runId === runId ? 'decided' : 'earlier', outcome: existing.outcome };
      return { status: 'taken', outcome: 'applied' };
    },

    /** Changes the recorded outcome of a payment (an applied payment later refunded, a refund the provider refused). */
    async setPaymentOutcome(input: { providerPaymentId: string; outcome: PaymentOutcome }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(ProcessedPayment, { providerPaymentId: input.providerPaymentId }, { outcome: input.outcome });
    },

    /** Marks a payment refunded after the money went back. */
    async markPaymentRefunded(paymentId: string): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(Payment, { id: paymentId }, { status: 'refunded' });
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
     * Makes the customer an owner of the site (primary when it is their first) and ties the payment
     * to them, in one transaction that holds the customer's row so two purchases cannot both be primary.
     */
    async addOwnership(input: { customerId: string; siteId: string; paymentId: string; acquiredAt: string }): Promise<{ isPrimary: boolean }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const customer = await em.findOneOrFail(CustomerUser, input.customerId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        await em.nativeUpdate(Payment, { id: input.paymentId }, { customer: input.customerId });
        const existing = await em.findOne(CustomerSiteOwnership, { customer: input.customerId, site: input.siteId });
        if (existing) return { isPrimary: existing.isPrimary };
        const isPrimary = (await em.count(CustomerSiteOwnership, { customer: input.customerId, isPrimary: true })) === 0;
        em.create(CustomerSiteOwnership, {
          customer, site: input.siteId, role: 'owner', isPrimary, acquiredAt: new Date(input.acquiredAt),
        });
        if (isPrimary) customer.primarySite = em.getReference(Site, input.siteId);
        return { isPrimary };
      });
    },

    /** Moves the site from preview to owned (once) and opens a subscription awaiting activation. */
    async markSiteOwned(input: { siteId: string; customerId: string; purchasedAt: string }): Promise<void> {
      await deps.orm.em.fork().transactional(async (em) => {
        const site = await em.findOneOrFail(Site, input.siteId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (site.status === 'preview') {
          site.status = 'owned';
          site.purchasedAt = new Date(input.purchasedAt);
          site.subscriptionStatus = 'pending_activation';
          await recordPurchaseCompleted(em, input.siteId, new Date(input.purchasedAt), deps.config.analytics.sessionTimeoutMs);
        }
        await em.upsert(Subscription, {
          site: input.siteId,
          customer: input.customerId,
          status: 'pending_activation',
          amountCents: site.monthlyAmountCents,
          currency: site.currency,
        }, { onConflictFields: ['site'], onConflictAction: 'ignore' });
      });
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
