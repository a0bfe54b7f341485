import { log } from '@temporalio/activity';
import type { AppConfig } from '../lib/config.js';
import { GatewayError, type CheckoutSession, type PaymentGateway } from '../lib/payments/gateway.js';
import { subscriptionCheckoutReturnUrls } from '../lib/urls.js';
import { callGateway } from './payments.js';

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

/** Outcome of a cancellation at the provider: `already_ended` when the provider no longer had it running. */
export interface ProviderCancellation {
  status: 'cancelled' | 'already_ended';
}

/** Activities that talk to the payment provider about monthly subscriptions. */
export function createSubscriptionPaymentActivities(deps: { gateway: PaymentGateway; config: AppConfig }) {
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
    async cancelProviderSubscription(input: { subscriptionId: string; idempotencyKey: string }): Promise<ProviderCancellation> {
      try {
        await deps.gateway.cancelSubscription(input.subscriptionId, input.idempotencyKey);
        return { status: 'cancelled' };
      } catch (error) {
        if (error instanceof GatewayError && !error.retryable) {
          log.warn('provider refused to cancel the subscription; treating it as already ended', { subscriptionId: input.subscriptionId, error: error.message });
          return { status: 'already_ended' };
        }
        throw error;
      }
    },
  };
}
