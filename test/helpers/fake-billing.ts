import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { PaymentDecision, PaymentDecisionInput, SubscriptionPaymentRecord } from '../../activities/payment-ledger.js';
import type { OperatorCaseInput } from '../../activities/operator-cases.js';
import type { PaymentVerdict, ProviderCancellation, RefundOutcome, SubscriptionCheckoutInput } from '../../activities/payments.js';
import type { SendEmailInput, SendEmailResult } from '../../activities/email.js';
import type { SubscriptionDetail, SubscriptionSite, SubscriptionSnapshot } from '../../activities/subscriptions.js';
import type { CheckoutSession } from '../../lib/payments/gateway.js';
import type { SubscriptionSettings } from '../../workflows/subscription/contract.js';

/** One day in milliseconds. */
export const DAY = 86_400_000;
/** One hour in milliseconds. */
export const HOUR = 3_600_000;

/** Production durations: 30-day periods, 7 days of grace, 2 days of slack. */
export const SETTINGS: SubscriptionSettings = {
  billingPeriodMs: 30 * DAY,
  gracePeriodMs: 7 * DAY,
  renewalSlackMs: 2 * DAY,
  checkoutExpiryMs: DAY,
  publicBaseUrl: 'http://webmagic.test',
};

/** A state write as the workflow made it. */
export interface SavedState {
  siteId: string;
  snapshot: SubscriptionSnapshot;
  detail?: SubscriptionDetail;
}

/**
 * In-memory stand-ins for the subscription's activities (database, provider, email) that record every call, so
 * workflow tests on the time-skipping server can run years of billing in seconds and check what was done.
 */
export class FakeBilling {
  readonly sites = new Map<string, SubscriptionSite>();
  readonly saved: SavedState[] = [];
  readonly payments: SubscriptionPaymentRecord[] = [];
  readonly emails: SendEmailInput[] = [];
  readonly providerCancels: { subscriptionId: string; idempotencyKey: string }[] = [];
  readonly refunds: { paymentIntentId: string; idempotencyKey: string }[] = [];
  readonly checkouts: SubscriptionCheckoutInput[] = [];
  readonly cases: OperatorCaseInput[] = [];
  /** What the provider answers about a payment id when asked; absent means it confirms the payment. */
  readonly verdicts = new Map<string, PaymentVerdict>();
  /** Processed payments: provider payment id → the run that decided and what it decided. */
  readonly decisions = new Map<string, { runId: string; outcome: PaymentDecisionInput['outcome'] }>();

  /** Adds an owned, not yet activated site and returns its id. */
  addSite(owner = { customerId: 'cus_1', email: 'owner@example.com', name: 'Olga Owner' }, title = 'Plumber Joe', purchasedAt: string | null = null): string {
    const siteId = randomUUID();
    this.sites.set(siteId, {
      siteId,
      slug: `site-${siteId.slice(0, 8)}`,
      title,
      amountCents: 9500,
      currency: 'USD',
      owner,
      purchasedAt,
      stored: { status: 'pending_activation', providerSubscriptionId: null, periodStart: null, periodEnd: null, graceEndsAt: null, cancelAtPeriodEnd: false, cancelledAt: null },
    });
    return siteId;
  }

  /** Every status the site's subscription was saved with, in order, without repeats. */
  statusesOf(siteId: string): string[] {
    return this.saved.filter((s) => s.siteId === siteId).map((s) => s.snapshot.status).filter((status, i, all) => status !== all[i - 1]);
  }

  /** Email templates sent about a site's subscription, in order. */
  emailsOf(siteId: string): string[] {
    return this.emails.filter((e) => e.idempotencyKey.startsWith(`sub:${siteId}:`)).map((e) => e.template);
  }

  /** The activities, in the shape the worker registers. */
  activities() {
    return {
      loadSubscriptionSite: async (siteId: string): Promise<SubscriptionSite> => {
        const site = this.sites.get(siteId);
        if (!site) throw ApplicationFailure.nonRetryable(`site ${siteId} has no subscription`, 'SubscriptionNotFound');
        return structuredClone(site);
      },
      recordSubscriptionPayment: async (input: SubscriptionPaymentRecord): Promise<{ paymentId: string }> => {
        if (!this.payments.some((p) => p.providerPaymentId === input.providerPaymentId)) this.payments.push(input);
        return { paymentId: `payment-${input.providerPaymentId}` };
      },
      saveSubscriptionState: async (input: SavedState): Promise<void> => {
        this.saved.push(structuredClone(input));
        const site = this.sites.get(input.siteId);
        if (site) site.stored = structuredClone(input.snapshot);
      },
      markPaymentRefunded: async (_paymentId: string): Promise<void> => {},
      refundPayment: async (input: { paymentIntentId: string; idempotencyKey: string }): Promise<RefundOutcome> => {
        this.refunds.push({ paymentIntentId: input.paymentIntentId, idempotencyKey: input.idempotencyKey });
        return { refundId: `re_${input.paymentIntentId}`, status: 'refunded' };
      },
      verifySubscriptionPayment: async (input: { reported: { paymentIntentId: string; amountCents: number; currency: string } }): Promise<PaymentVerdict> =>
        this.verdicts.get(input.reported.paymentIntentId)
          ?? { verdict: 'verified', checkoutId: 'ch_fake', amountCents: input.reported.amountCents, currency: input.reported.currency },
      decidePayment: async (input: PaymentDecisionInput): Promise<PaymentDecision> => {
        const runId = Context.current().info.workflowExecution?.runId ?? 'none';
        const existing = this.decisions.get(input.providerPaymentId);
        if (!existing) {
          this.decisions.set(input.providerPaymentId, { runId, outcome: input.outcome });
          return { status: 'decided', outcome: input.outcome };
        }
        return { status: existing.runId === runId ? 'decided' : 'earlier', outcome: existing.outcome };
      },
      setPaymentOutcome: async (input: { providerPaymentId: string; outcome: PaymentDecisionInput['outcome'] }): Promise<void> => {
        const existing = this.decisions.get(input.providerPaymentId);
        if (existing) existing.outcome = input.outcome;
      },
      raiseOperatorCase: async (input: OperatorCaseInput): Promise<{ caseId: string }> => {
        if (!this.cases.some((c) => c.key === input.key)) this.cases.push(input);
        return { caseId: input.key };
      },
      createSubscriptionCheckout: async (input: SubscriptionCheckoutInput): Promise<CheckoutSession> => {
        this.checkouts.push(input);
        return { checkoutId: `ch_${this.checkouts.length}`, checkoutUrl: `http://checkout.test/ch_${this.checkouts.length}` };
      },
      cancelProviderSubscription: async (input: { subscriptionId: string; idempotencyKey: string }): Promise<ProviderCancellation> => {
        this.providerCancels.push({ subscriptionId: input.subscriptionId, idempotencyKey: input.idempotencyKey });
        return { status: 'cancelled' };
      },
      sendEmail: async (input: SendEmailInput): Promise<SendEmailResult> => {
        // Postmark refuses metadata values over 80 characters, and the key travels as metadata.
        if (input.idempotencyKey.length > 80) throw ApplicationFailure.nonRetryable(`idempotency key too long: ${input.idempotencyKey}`, 'EmailRejected');
        if (!this.emails.some((e) => e.idempotencyKey === input.idempotencyKey)) this.emails.push(input);
        return { status: 'sent', messageId: `msg-${input.idempotencyKey}` };
      },
    };
  }
}
