import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AppConfig } from '../lib/config.js';
import { claimCheckoutReturnUrls } from '../lib/urls.js';
import { GatewayError, type CheckoutDetails, type CheckoutSession, type PaymentGateway } from '../lib/payments/gateway.js';
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
export function currentWorkflowId(): string | null {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? null;
  } catch {
    return null;
  }
}

/** Reads a checkout; a refused read (unknown id) is `null`, an outage is retried. */
export async function readCheckout(gateway: PaymentGateway, checkoutId: string): Promise<CheckoutDetails | null> {
  try {
    return await gateway.getCheckout(checkoutId);
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable) return null;
    throw error;
  }
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
export async function callGateway<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable) {
      throw ApplicationFailure.nonRetryable(error.message, 'GatewayRejected', { status: error.status });
    }
    throw error;
  }
}

/** Activities that talk to the payment provider. */
export function createPaymentActivities(deps: { gateway: PaymentGateway; config: AppConfig } & OperatorCaseDeps) {
  return {
    /** Opens the hosted checkout for a claim; the same idempotency key yields the same checkout. */
    async createClaimCheckout(input: ClaimCheckoutInput): Promise<CheckoutSession> {
      return callGateway(() => deps.gateway.createCheckout({
        idempotencyKey: input.idempotencyKey,
        items: [{ name: `Website: ${input.siteTitle}`, amountCents: input.amountCents, currency: input.currency, quantity: 1 }],
        ...claimCheckoutReturnUrls(deps.config, input.slug, workflowIds.claim(input.siteId)),
        expiresAt: new Date(input.expiresAt),
        metadata: {
          purpose: 'claim',
          site_id: input.siteId,
          slug: input.slug,
          business_id: input.businessId,
          claim_email: input.claimantEmail,
          claim_name: input.claimantName,
        },
      }));
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
  };
}
