/** A currency the payment processor charges in. */
export type Currency = 'USD' | 'GTQ';

/** How often a recurring item is charged. */
export interface RecurringTerms {
  interval: 'week' | 'month' | 'year';
  intervalCount: number;
}

/** One line of a checkout; `recurring` turns it into a subscription. */
export interface CheckoutItem {
  name: string;
  amountCents: number;
  currency: Currency;
  quantity: number;
  recurring?: RecurringTerms;
}

/** What a hosted checkout is created from; `idempotencyKey` must be derived from the business key. */
export interface CreateCheckoutInput {
  idempotencyKey: string;
  items: CheckoutItem[];
  successUrl: string;
  cancelUrl: string;
  expiresAt?: Date;
  metadata: Record<string, string>;
}

/** A created hosted checkout and the URL the customer is sent to. */
export interface CheckoutSession {
  checkoutId: string;
  checkoutUrl: string;
}

/** The provider's view of a checkout (status as the provider spells it, e.g. `unpaid`, `paid`, `expired`). */
export interface CheckoutDetails {
  checkoutId: string;
  status: string;
  paymentIntentId?: string;
  subscriptionId?: string;
  metadata: Record<string, string>;
  /** Total the checkout charges, when the provider reports it. */
  amountCents?: number;
  currency?: string;
}

/** The provider's view of a subscription (status as the provider spells it: `active`, `past_due`, `cancelled`, …). */
export interface SubscriptionDetails {
  subscriptionId: string;
  status: string;
  checkoutId?: string;
}

/** A refund as the provider reports it. */
export interface RefundResult {
  refundId: string;
  status: string;
}

/** The payment processor as the activities use it. */
export interface PaymentGateway {
  createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession>;
  getCheckout(checkoutId: string): Promise<CheckoutDetails>;
  getSubscription(subscriptionId: string): Promise<SubscriptionDetails>;
  cancelSubscription(subscriptionId: string, idempotencyKey: string): Promise<void>;
  refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult>;
}

/** True for HTTP statuses worth retrying: timeouts, throttling and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A failed gateway call; `retryable` tells the activity whether trying again can help. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly retryable: boolean;
  readonly status?: number;

  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
  }

  /** Builds the error for an HTTP answer, classifying it by status. */
  static fromStatus(status: number, message: string): GatewayError {
    return new GatewayError(message, { retryable: isRetryableStatus(status), status });
  }
}
