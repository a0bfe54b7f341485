/*
 * Recurrente wire format. Sources:
 * - API reference (Postman, "Recurrente: Documentación API"): https://documenter.getpostman.com/view/10340859/2sA2rFQf5R
 *   — X-PUBLIC-KEY + X-SECRET-KEY headers, 401 on bad keys, errors under an `error` key;
 *   POST /api/checkouts with inline items (name, currency GTQ|USD, amount_in_cents, quantity 1..9,
 *   charge_type "recurring" + billing_interval week|month|year + billing_interval_count),
 *   success_url, cancel_url, expires_at (ISO 8601, e.g. "2050-05-15T13:45:30Z"), metadata (≤ 50 keys)
 *   → 201 { id: "ch_…", checkout_url }; GET /api/checkouts/:id → { id, status: "unpaid"|"paid", payment:
 *   { id: "pa_…", paymentable: { type: "Subscription"|"OneTimePayment", id } } | null, metadata, … };
 *   GET /api/subscriptions/:id → { id, status, checkout: { id }, current_period_start/end, … };
 *   DELETE /api/subscriptions/:id → 200 { message }; POST /api/refunds { payment_intent_id } → { id: "re_…", status }.
 *   Webhook bodies (same reference; parsed in lib/recurrente/events.ts, simulated in lib/recurrente/fake.ts):
 *   flat { id: "pa_…", event_type, checkout: { id, status, metadata }, payment: { id, paymentable: { type, id } },
 *   amount_in_cents, currency, customer, failure_reason, created_at }; subscription.* bodies have id "su_…",
 *   customer_* fields and payment, but no checkout or metadata.
 * - Help centre (github.com/recurrente/mintlify-docs): es/integraciones/api.mdx (keys, example checkout),
 *   es/integraciones/webhooks.mdx (Svix delivery, event catalogue, the additional `intent.*` family, and an
 *   example body shaped { event_type, created_at, data: { id, amount, checkout_id, metadata } }).
 * - Older docs (github.com/recurrente/recurrente-docs): docs/resources/checkouts.md.
 * - Svix delivery, signatures and retry schedule: docs.svix.com/retries, svix/svix-webhooks javascript/src/webhook.ts.
 * Not confirmed:
 * - Authentication: the help centre's api.mdx shows `Authorization: Bearer sk_…` + `X-Public-Key`
 *   instead of X-SECRET-KEY; the API reference uses X-PUBLIC-KEY + X-SECRET-KEY, which is what is sent here.
 * - Idempotency: no idempotency header is documented; `Idempotency-Key` is sent anyway and the key is
 *   copied into metadata as `idempotency_key`, so a retried create may still yield a second (unpaid) checkout.
 * - Whether expires_at accepts fractional seconds (they are dropped here).
 * - Status codes and bodies for validation errors (assumed 4xx with `error`), and for cancelling an
 *   already-cancelled subscription or refunding twice (the simulator answers 200 and 422).
 * - Whether GET /checkouts/:id reports `total_in_cents` and `currency` (the simulator does); without them a claim
 *   payment cannot be confirmed and is parked for an operator. No payment-intent read is documented, so a renewal is
 *   confirmed through its subscription (GET /subscriptions/:id: this site's, active or past due).
 * - Checkout statuses other than "unpaid" and "paid" (e.g. "expired", "payment_in_progress" seen in examples).
 * - Which body shape is actually delivered today (both are accepted), the body of the `intent.*` family,
 *   and whether `subscription.paused` or `subscription.pause` is sent.
 * - The `subscription: { id }` object in payment events (undocumented; the id is also read from payment.paymentable).
 * - Whether renewal payment events carry the original checkout and its metadata (the simulator sends them).
 * - Whether test-key payments send webhooks: the API reference says no, the help centre says yes.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  GatewayError,
  type CheckoutDetails,
  type CheckoutItem,
  type CheckoutSession,
  type CreateCheckoutInput,
  type PaymentGateway,
  type RefundResult,
  type SubscriptionDetails,
} from '../payments/gateway.js';

/** How to reach Recurrente; `fetch` is injectable for tests and proxies. */
export interface RecurrenteGatewayOptions {
  apiUrl: string;
  publicKey: string;
  secretKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;

const CreatedCheckout = Type.Object({ id: Type.String(), checkout_url: Type.String() });

const Checkout = Type.Object({
  id: Type.String(),
  status: Type.String(),
  total_in_cents: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  currency: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  payment: Type.Optional(
    Type.Union([
      Type.Object({
        id: Type.String(),
        paymentable: Type.Optional(
          Type.Union([Type.Object({ type: Type.Optional(Type.String()), id: Type.Optional(Type.String()) }), Type.Null()]),
        ),
      }),
      Type.Null(),
    ]),
  ),
});

const ProviderSubscription = Type.Object({
  id: Type.String(),
  status: Type.String(),
  checkout: Type.Optional(Type.Union([Type.Object({ id: Type.String() }), Type.Null()])),
});

const Refund = Type.Object({ id: Type.String(), status: Type.String() });

interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
}

/** The Recurrente REST API behind the `PaymentGateway` interface. */
export class RecurrenteGateway implements PaymentGateway {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RecurrenteGatewayOptions) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession> {
    const body = {
      items: input.items.map(toWireItem),
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      ...(input.expiresAt ? { expires_at: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
      metadata: { ...input.metadata, idempotency_key: input.idempotencyKey },
    };
    const created = await this.request('POST', '/checkouts', CreatedCheckout, { body, idempotencyKey: input.idempotencyKey });
    return { checkoutId: created.id, checkoutUrl: created.checkout_url };
  }

  async getCheckout(checkoutId: string): Promise<CheckoutDetails> {
    const checkout = await this.request('GET', `/checkouts/${encodeURIComponent(checkoutId)}`, Checkout);
    const paymentable = checkout.payment?.paymentable;
    return {
      checkoutId: checkout.id,
      status: checkout.status,
      paymentIntentId: checkout.payment?.id,
      subscriptionId: paymentable?.type === 'Subscription' ? paymentable.id : undefined,
      metadata: stringValues(checkout.metadata ?? {}),
      ...(typeof checkout.total_in_cents === 'number' ? { amountCents: checkout.total_in_cents } : {}),
      ...(typeof checkout.currency === 'string' ? { currency: checkout.currency } : {}),
    };
  }

  async getSubscription(subscriptionId: string): Promise<SubscriptionDetails> {
    const subscription = await this.request('GET', `/subscriptions/${encodeURIComponent(subscriptionId)}`, ProviderSubscription);
    return { subscriptionId: subscription.id, status: subscription.status, ...(subscription.checkout ? { checkoutId: subscription.checkout.id } : {}) };
  }

  async cancelSubscription(subscriptionId: string, idempotencyKey: string): Promise<void> {
    await this.request('DELETE', `/subscriptions/${encodeURIComponent(subscriptionId)}`, Type.Unknown(), { idempotencyKey });
  }

  async refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult> {
    const refund = await this.request('POST', '/refunds', Refund, { body: { payment_intent_id: paymentIntentId }, idempotencyKey });
    return { refundId: refund.id, status: refund.status };
  }

  private async request<S extends TSchema>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<Static<S>> {
    const { status, text } = await this.send(method, path, options);
    if (status < 200 || status > 299) {
      throw GatewayError.fromStatus(status, `Recurrente ${method} ${path} answered ${status}: ${errorMessage(text)}`);
    }
    const parsed = parseJson(text);
    if (!Value.Check(schema, parsed)) {
      throw new GatewayError(`Recurrente ${method} ${path} answered an unexpected body`, { retryable: false, status });
    }
    return parsed;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'X-PUBLIC-KEY': this.options.publicKey,
      'X-SECRET-KEY': this.options.secretKey,
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    try {
      const response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : 'failed';
      throw new GatewayError(`Recurrente ${method} ${path} ${reason}`, { retryable: true, cause: error });
    }
  }
}

function toWireItem(item: CheckoutItem): Record<string, unknown> {
  return {
    name: item.name,
    currency: item.currency,
    amount_in_cents: item.amountCents,
    quantity: item.quantity,
    ...(item.recurring
      ? { charge_type: 'recurring', billing_interval: item.recurring.interval, billing_interval_count: item.recurring.intervalCount }
      : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  const parsed = parseJson(text);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string') return parsed.error;
  return text.slice(0, 200) || '(empty body)';
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = String(value);
  }
  return result;
}
