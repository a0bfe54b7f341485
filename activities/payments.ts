import { ApplicationFailure } from '@temporalio/activity';
import type { AppConfig } from '../lib/config.js';
import { claimCheckoutReturnUrls } from '../lib/urls.js';
import { GatewayError, type CheckoutSession, type PaymentGateway } from '../lib/payments/gateway.js';
import { workflowIds } from '../workflows/ids.js';

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
export function createPaymentActivities(deps: { gateway: PaymentGateway; config: AppConfig }) {
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

    /** Refunds a payment that cannot be honoured (the site went to someone else first). */
    async refundPayment(input: { paymentIntentId: string; idempotencyKey: string }): Promise<{ refundId: string }> {
      const { refundId } = await callGateway(() => deps.gateway.refund(input.paymentIntentId, input.idempotencyKey));
      return { refundId };
    },
  };
}
