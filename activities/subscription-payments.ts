import { log } from '@temporalio/activity';
import type { AppConfig } from '../lib/config.js';
import { GatewayError, type CheckoutSession, type PaymentGateway, type SubscriptionDetails } from '../lib/payments/gateway.js';
import { subscriptionCheckoutReturnUrls } from '../lib/urls.js';
import { raiseOperatorCase, type OperatorCaseDeps } from './operator-cases.js';
import { callGateway, currentWorkflowId, readCheckout, type PaymentVerdict, type ReportedPayment } from './payments.js';

/** What a subscription (activation) checkout is created for. */
export interface SubscriptionCheckoutInput {
  /** Site + activation attempt: the provider idempotency key, so a retried create yields the same checkout. */
  idempotencyKey: string;
  siteId: string;
  slug: string;
  siteTitle: string;
  amountCents: number;
  currency: 'USD' | 'GTQ';
  customerId: string;
  expiresAt: string;
}

/**
 * Outcome of a cancellation at the provider: `already_ended` when the provider no longer has it (404, 410, 422);
 * `refused` when it would not say (400, 401, 403, other 4xx) — raised to operators, since it may still charge.
 */
export interface ProviderCancellation {
  status: 'cancelled' | 'already_ended' | 'refused';
}

/**
 * Provider statuses of a subscription that is still charged: a past-due one is being retried, and a retry that goes
 * through (or a renewal delivered after a later failed attempt) is a real payment on it.
 */
const CHARGED_STATUSES = new Set(['active', 'past_due']);

/** Answers that mean the provider has no running subscription under this id. */
const ALREADY_ENDED_STATUSES = new Set([404, 410, 422]);

/** What a subscription payment must match: this site, its monthly amount, and the checkout the workflow opened (if any). */
export interface SubscriptionPaymentExpectation {
  siteId: string;
  amountCents: number;
  currency: string;
  subscriptionId: string;
  /** The provider subscription the workflow already holds; a renewal on it is confirmed through the subscription. */
  knownSubscriptionId: string | null;
}

async function readSubscription(gateway: PaymentGateway, subscriptionId: string): Promise<SubscriptionDetails | null> {
  try {
    return await gateway.getSubscription(subscriptionId);
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable) return null;
    throw error;
  }
}

/** Activities that talk to the payment provider about monthly subscriptions. */
export function createSubscriptionPaymentActivities(deps: { gateway: PaymentGateway; config: AppConfig } & OperatorCaseDeps) {
  return {
    /** Opens a hosted checkout for the monthly plan (a recurring item); the same key yields the same checkout. */
    async createSubscriptionCheckout(input: SubscriptionCheckoutInput): Promise<CheckoutSession> {
      return callGateway(() => deps.gateway.createCheckout({
        idempotencyKey: input.idempotencyKey,
        items: [{
          name: `Monthly hosting: ${input.siteTitle}`,
          amountCents: input.amountCents,
          currency: input.currency,
          quantity: 1,
          recurring: { interval: 'month', intervalCount: 1 },
        }],
        ...subscriptionCheckoutReturnUrls(deps.config, input.siteId),
        expiresAt: new Date(input.expiresAt),
        metadata: { purpose: 'subscription', site_id: input.siteId, slug: input.slug, customer_id: input.customerId },
      }));
    },

    /**
     * Stops the provider charging a subscription. The key is derived from site + period, so a retry is the same
     * request; a refusal (already cancelled, unknown id) means there is nothing left to stop.
     */
    async cancelProviderSubscription(input: { subscriptionId: string; idempotencyKey: string; siteId?: string }): Promise<ProviderCancellation> {
      try {
        await deps.gateway.cancelSubscription(input.subscriptionId, input.idempotencyKey);
        return { status: 'cancelled' };
      } catch (error) {
        if (!(error instanceof GatewayError) || error.retryable) throw error;
        if (error.status !== undefined && ALREADY_ENDED_STATUSES.has(error.status)) {
          log.info('the provider no longer has the subscription; nothing left to stop', { subscriptionId: input.subscriptionId, status: error.status });
          return { status: 'already_ended' };
        }
        await raiseOperatorCase(deps, {
          key: `cancel_refused:${input.idempotencyKey}`,
          kind: 'cancel_refused',
          reason: `The provider refused to cancel subscription ${input.subscriptionId}: ${error.message}. It may still charge the owner: cancel it at the provider by hand.`,
          siteId: input.siteId ?? null,
          workflowId: currentWorkflowId(),
          payload: { subscriptionId: input.subscriptionId, status: error.status ?? null },
        });
        return { status: 'refused' };
      }
    },

    /**
     * Asks the provider whether a reported subscription charge is real: a first payment through the checkout it was
     * made on (paid, this payment, this site, the monthly amount); a renewal through its subscription (this site's, the
     * one the workflow holds, and still charged: active or past due).
     */
    async verifySubscriptionPayment(input: { reported: ReportedPayment; expected: SubscriptionPaymentExpectation }): Promise<PaymentVerdict> {
      const { reported, expected } = input;
      const subscription = await readSubscription(deps.gateway, expected.subscriptionId);
      if (!subscription) return { verdict: 'unverified', reason: `the provider knows no subscription ${expected.subscriptionId}` };
      const checkoutId = reported.checkoutId ?? subscription.checkoutId ?? null;
      const checkout = checkoutId === null ? null : await readCheckout(deps.gateway, checkoutId);
      if (!checkout) return { verdict: 'unverified', reason: `the provider knows no checkout for subscription ${expected.subscriptionId}` };
      if (checkout.metadata.site_id !== expected.siteId || checkout.subscriptionId !== expected.subscriptionId) {
        return { verdict: 'mismatch', reason: `subscription ${expected.subscriptionId} was not opened for site ${expected.siteId}` };
      }
      if (checkout.amountCents !== undefined && (checkout.amountCents !== expected.amountCents || checkout.currency !== expected.currency)) {
        return { verdict: 'mismatch', reason: `the subscription charges ${checkout.amountCents} ${checkout.currency}, the site's plan is ${expected.amountCents} ${expected.currency}` };
      }
      const isFirstPayment = checkout.paymentIntentId === reported.paymentIntentId;
      if (!isFirstPayment && (expected.knownSubscriptionId !== expected.subscriptionId || !CHARGED_STATUSES.has(subscription.status))) {
        return { verdict: 'unverified', reason: `payment ${reported.paymentIntentId} is not the first payment of subscription ${expected.subscriptionId}, which the provider shows as "${subscription.status}"` };
      }
      return { verdict: 'verified', checkoutId: checkout.checkoutId, amountCents: checkout.amountCents ?? expected.amountCents, currency: checkout.currency ?? expected.currency };
    },
  };
}
