import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { AppConfig } from '../lib/config.js';
import { claimCheckoutReturnUrls, subscriptionCheckoutReturnUrls } from '../lib/urls.js';
import { GatewayError, type CheckoutDetails, type CheckoutSession, type CreateCheckoutInput, type PaymentGateway, type SubscriptionDetails } from '../lib/payments/gateway.js';
import { currentTraceParent } from '../lib/telemetry/tracing.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { raiseOperatorCase, type OperatorCaseDeps } from './operator-cases.js';

/** What a claim checkout is created for. */
export interface ClaimCheckoutInput {
  /** Business key of this checkout (claim workflow id + claim number): the provider idempotency key. */
  idempotencyKey: string;
  siteId: string;
  slug: string;
  businessId: string;
  siteTitle: string;
  amountCents: number;
  currency: 'USD' | 'GTQ';
  claimantEmail: string;
  claimantName: string;
  expiresAt: string;
  /** The claim's cancel secret, carried by the checkout's cancel URL (absent in runs recorded before it existed). */
  cancelToken?: string;
}

/** A payment as a webhook (or anyone who can signal) reported it: what the workflow asks the provider to confirm. */
export interface ReportedPayment {
  paymentIntentId: string;
  checkoutId: string | null;
  amountCents: number;
  currency: string;
}

/**
 * The provider's word on a reported payment: `verified` (paid, this amount and currency, this claim's checkout),
 * `unverified` (the provider knows no such paid payment: a forged or mistaken report, nothing to give back), or
 * `mismatch` (real money that does not match what is sold: to be refunded). Amounts are the provider's, not the report's.
 */
export type PaymentVerdict =
  | { verdict: 'verified'; checkoutId: string; amountCents: number; currency: string }
  | { verdict: 'unverified' | 'mismatch'; reason: string };

/** What a claim payment must match. `openCheckoutId` is the checkout this run handed out (null when the run opened none). */
export interface ClaimPaymentExpectation {
  siteId: string;
  amountCents: number;
  currency: string;
  openCheckoutId: string | null;
}

/** The id of the workflow that runs the current activity (for operator cases). */
function currentWorkflowId(): string | null {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? null;
  } catch {
    return null;
  }
}

/** Reads from the provider; a refused read (unknown id) is `null`, an outage throws (and the activity is retried). */
async function readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable) return null;
    throw error;
  }
}

/** Reads a checkout; a refused read (unknown id) is `null`, an outage is retried. */
async function readCheckout(gateway: PaymentGateway, checkoutId: string): Promise<CheckoutDetails | null> {
  return readOrNull(() => gateway.getCheckout(checkoutId));
}

/** Compares a reported claim payment with the provider's checkout. */
export function judgeClaimPayment(reported: ReportedPayment, checkout: CheckoutDetails | null, expected: ClaimPaymentExpectation): PaymentVerdict {
  if (!checkout) return { verdict: 'unverified', reason: `the provider knows no checkout ${reported.checkoutId ?? '(none given)'}` };
  if (checkout.status !== 'paid' || checkout.paymentIntentId !== reported.paymentIntentId) {
    return { verdict: 'unverified', reason: `checkout ${checkout.checkoutId} is "${checkout.status}" with payment ${checkout.paymentIntentId ?? 'none'}, not ${reported.paymentIntentId}` };
  }
  if (checkout.metadata.purpose !== 'claim' || checkout.metadata.site_id !== expected.siteId) {
    return { verdict: 'mismatch', reason: `checkout ${checkout.checkoutId} was not opened to claim site ${expected.siteId}` };
  }
  if (expected.openCheckoutId !== null && checkout.checkoutId !== expected.openCheckoutId) {
    return { verdict: 'mismatch', reason: `payment on checkout ${checkout.checkoutId}, while this claim's open checkout is ${expected.openCheckoutId}` };
  }
  if (checkout.amountCents === undefined || checkout.currency === undefined) {
    return { verdict: 'mismatch', reason: `the provider did not report the amount of checkout ${checkout.checkoutId}` };
  }
  if (checkout.amountCents !== expected.amountCents || checkout.currency !== expected.currency) {
    return { verdict: 'mismatch', reason: `paid ${checkout.amountCents} ${checkout.currency}, the site costs ${expected.amountCents} ${expected.currency}` };
  }
  return { verdict: 'verified', checkoutId: checkout.checkoutId, amountCents: checkout.amountCents, currency: checkout.currency };
}

/** Outcome of a refund: `refused` when the provider would not (already refunded, unknown payment) — an operator case is raised. */
export interface RefundOutcome {
  refundId: string | null;
  status: 'refunded' | 'refused';
}

/** Turns a gateway failure into a retry (outage) or a typed, non-retryable failure (refused request). */
async function callGateway<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable) {
      throw ApplicationFailure.nonRetryable(error.message, 'GatewayRejected', { status: error.status });
    }
    throw error;
  }
}

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

/** Reads a subscription; a refused read (unknown id) is `null`, an outage is retried. */
async function readSubscription(gateway: PaymentGateway, subscriptionId: string): Promise<SubscriptionDetails | null> {
  return readOrNull(() => gateway.getSubscription(subscriptionId));
}

/** The active trace as checkout metadata (`traceparent`), nothing when tracing is off. */
function traceMetadata(): { traceparent?: string } {
  const traceparent = currentTraceParent();
  return traceparent ? { traceparent } : {};
}

/** The provider checkout a claim opens: the site for its one-time price, with the claim's business key and claimant. */
function claimCheckoutRequest(config: AppConfig, input: ClaimCheckoutInput): CreateCheckoutInput {
  return {
    idempotencyKey: input.idempotencyKey,
    items: [{ name: `Website: ${input.siteTitle}`, amountCents: input.amountCents, currency: input.currency, quantity: 1 }],
    ...claimCheckoutReturnUrls(config, input.slug, workflowIds.claim(input.siteId), input.cancelToken),
    expiresAt: new Date(input.expiresAt),
    metadata: {
      purpose: 'claim',
      site_id: input.siteId,
      slug: input.slug,
      business_id: input.businessId,
      claim_email: input.claimantEmail,
      claim_name: input.claimantName,
      // The claim's trace (tracing on) comes back in the payment's webhook, so the relay's delivery joins this trace.
      ...traceMetadata(),
    },
  };
}

/** Compares a reported subscription charge with the provider's subscription and the checkout it was opened through. */
function judgeSubscriptionPayment(
  reported: ReportedPayment,
  subscription: SubscriptionDetails,
  checkout: CheckoutDetails | null,
  expected: SubscriptionPaymentExpectation,
): PaymentVerdict {
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
}

/** Activities that talk to the payment provider (Recurrente, behind the gateway): checkouts, payment checks, refunds, cancellations. */
export function createPaymentActivities(deps: { gateway: PaymentGateway; config: AppConfig } & OperatorCaseDeps) {
  return {
    /** Opens the hosted checkout for a claim; the same idempotency key yields the same checkout. */
    async createClaimCheckout(input: ClaimCheckoutInput): Promise<CheckoutSession> {
      return callGateway(() => deps.gateway.createCheckout(claimCheckoutRequest(deps.config, input)));
    },

    /**
     * Refunds a payment that cannot be honoured. A refusal (already refunded, unknown payment, any 4xx) does not fail
     * the workflow that holds the money: it is raised to operators and answered as `refused`; outages are retried.
     */
    async refundPayment(input: { paymentIntentId: string; idempotencyKey: string; siteId?: string; reason?: string }): Promise<RefundOutcome> {
      try {
        const { refundId } = await deps.gateway.refund(input.paymentIntentId, input.idempotencyKey);
        return { refundId, status: 'refunded' };
      } catch (error) {
        if (!(error instanceof GatewayError) || error.retryable) throw error;
        await raiseOperatorCase(deps, {
          key: `refund_refused:${input.paymentIntentId}`,
          kind: 'refund_refused',
          reason: `The provider refused to refund payment ${input.paymentIntentId}: ${error.message}.${input.reason ? ` It was being refunded because ${input.reason}.` : ''} Check it at the provider and refund by hand if the money is still held.`,
          siteId: input.siteId ?? null,
          workflowId: currentWorkflowId(),
          payload: { paymentIntentId: input.paymentIntentId, status: error.status ?? null },
        });
        return { refundId: null, status: 'refused' };
      }
    },

    /** Asks the provider whether a reported claim payment is real and matches this claim's checkout. */
    async verifyClaimPayment(input: { reported: ReportedPayment; expected: ClaimPaymentExpectation }): Promise<PaymentVerdict> {
      const checkoutId = input.reported.checkoutId ?? input.expected.openCheckoutId;
      const checkout = checkoutId === null ? null : await readCheckout(deps.gateway, checkoutId);
      return judgeClaimPayment(input.reported, checkout, input.expected);
    },

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
      return judgeSubscriptionPayment(reported, subscription, checkout, expected);
    },
  };
}
