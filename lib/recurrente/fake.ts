import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { FaultInjector, injectFaults, registerFaultControl, type FaultChange, type FaultReport } from '../fault-injection.js';
import { signWebhook } from './signature.js';

/** How the simulated Recurrente listens, where it delivers webhooks and which keys it accepts. */
export interface FakeRecurrenteOptions {
  port?: number;
  host?: string;
  publicBaseUrl?: string;
  webhookUrl: string;
  webhookSecret: string;
  publicKey: string;
  secretKey: string;
  retryDelaysMs?: number[];
  logger?: boolean;
  /** Faults its API injects from the start (see lib/fault-injection.ts); none by default. */
  faults?: FaultChange;
}

/** Svix's schedule: the wait before each delivery attempt. */
export const SVIX_RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

const DELIVERY_TIMEOUT_MS = 15_000;
const API_VERSION = '2024-04-24';
const DECLINE_REASON = 'Tu banco ha rechazado la transacción. Llama a tu banco y pide que autoricen esta transacción.';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER_ALNUM}`;

type Currency = 'USD' | 'GTQ';
type Interval = 'week' | 'month' | 'year';

/** One line of a simulated checkout. */
export interface FakeCheckoutItem {
  name: string;
  currency: Currency;
  amountCents: number;
  quantity: number;
  recurring?: { interval: Interval; intervalCount: number };
}

/** A checkout as the simulator holds it. */
export interface CheckoutRecord {
  id: string;
  url: string;
  status: 'unpaid' | 'paid' | 'expired';
  items: FakeCheckoutItem[];
  currency: Currency;
  totalCents: number;
  successUrl?: string;
  cancelUrl?: string;
  expiresAt?: string;
  metadata: Record<string, string>;
  idempotencyKey?: string;
  paymentIntentId?: string;
  subscriptionId?: string;
  declines: number;
  createdAt: string;
}

/** One webhook delivery attempt; `status` is absent when no HTTP answer arrived in time. */
export interface DeliveryRecord {
  messageId: string;
  eventType: string;
  attempt: number;
  status?: number;
  error?: string;
  body: string;
  at: string;
}

/** A refund the simulator made. */
export interface RefundRecord {
  id: string;
  paymentIntentId: string;
  amountCents: number;
  createdAt: string;
}

/** Delivery faults to simulate: `duplicate` sends each event N times; `reorder` holds events until `flush()` (or until it is switched off) and sends them in reverse. */
export interface DeliveryMode {
  duplicate?: number;
  reorder?: boolean;
}

/** A running simulated Recurrente. */
export interface FakeRecurrente {
  url: string;
  apiUrl: string;
  close(): Promise<void>;
  checkouts(): CheckoutRecord[];
  deliveries(): DeliveryRecord[];
  /** Refunds made, oldest first (a payment can be refunded once). */
  refunds(): RefundRecord[];
  setDeliveryMode(mode: DeliveryMode): void;
  renewSubscription(subscriptionId: string, outcome: 'succeeded' | 'failed'): Promise<void>;
  flush(): Promise<void>;
  /** Changes the faults the API (`/api/*`) injects; the same as `PUT /__faults`. Throws a RangeError when invalid. */
  setFaults(change: FaultChange): FaultReport;
  /** The faults in force and how many were injected; the same as `GET /__faults`. */
  faults(): FaultReport;
}

interface Customer {
  id: string;
  email: string;
  fullName: string;
}

interface SubscriptionRecord {
  id: string;
  checkoutId: string;
  description: string;
  status: 'active' | 'past_due' | 'cancelled';
  amountCents: number;
  currency: Currency;
  interval: Interval;
  intervalCount: number;
  customer: Customer;
  createdAt: string;
  periodStart: Date;
  periodEnd: Date;
  failedCharges: number;
  lastPaymentId?: string;
}

interface PaymentIntentRecord {
  id: string;
  paymentableId: string;
  checkout: CheckoutRecord;
  subscriptionId?: string;
  customer: Customer;
  amountCents: number;
  currency: Currency;
  status: 'succeeded' | 'failed';
  failureReason?: string;
  createdAt: string;
  refundId?: string;
}

type WebhookPayload = Record<string, unknown> & { event_type: string };

const WireItem = Type.Object({
  name: Type.String({ minLength: 1 }),
  currency: Type.Enum(['GTQ', 'USD']),
  amount_in_cents: Type.Integer({ minimum: 1 }),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  charge_type: Type.Optional(Type.Enum(['one_time', 'recurring'])),
  billing_interval: Type.Optional(Type.Enum(['week', 'month', 'year'])),
  billing_interval_count: Type.Optional(Type.Integer({ minimum: 1 })),
});

const CreateCheckoutBody = Type.Object({
  items: Type.Array(WireItem, { minItems: 1 }),
  success_url: Type.Optional(Type.String()),
  cancel_url: Type.Optional(Type.String()),
  expires_at: Type.Optional(Type.String()),
  metadata: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), { maxProperties: 50 })),
});

const CreateRefundBody = Type.Object({ payment_intent_id: Type.String({ minLength: 1 }) });

/** Injected faults answer like Recurrente's API does: JSON with an `error` message. */
const PROVIDER_FAULT_ANSWERS = {
  error: (faults: FaultInjector) => faults.pick([
    { status: 500, body: { error: 'Internal Server Error' } },
    { status: 502, body: { error: 'Bad Gateway' } },
    { status: 503, body: { error: 'Service Unavailable' } },
  ]),
  timeout: { status: 504, body: { error: 'Gateway Timeout' } },
};

/** Starts the simulated Recurrente: REST API under `/api`, hosted checkout pages, Svix-signed webhooks. */
export async function startFakeRecurrente(options: FakeRecurrenteOptions): Promise<FakeRecurrente> {
  const app = Fastify({ logger: options.logger ?? false });
  const sender = new WebhookSender(options.webhookUrl, options.webhookSecret, options.retryDelaysMs ?? SVIX_RETRY_DELAYS_MS);
  let publicBaseUrl = '';
  const simulator = new Simulator(sender, () => publicBaseUrl);
  const faults = new FaultInjector(options.faults);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    void reply.code(error.statusCode ?? 500).send({ error: error.message });
  });
  await app.register(async (api) => {
    registerApi(api, simulator, options);
    injectFaults(api, faults, PROVIDER_FAULT_ANSWERS);
  }, { prefix: '/api' });
  registerCheckoutPages(app, simulator);
  registerFaultControl(app, faults, (message) => ({ error: message }));

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const url = `http://${displayHost(options.host ?? '127.0.0.1')}:${(app.server.address() as AddressInfo).port}`;
  publicBaseUrl = (options.publicBaseUrl ?? url).replace(/\/+$/, '');

  return {
    url,
    apiUrl: `${url}/api`,
    close: async () => {
      sender.close();
      await app.close();
    },
    checkouts: () => structuredClone(simulator.allCheckouts()),
    deliveries: () => structuredClone(sender.records),
    refunds: () => structuredClone(simulator.allRefunds()),
    setDeliveryMode: (mode) => sender.setMode(mode),
    renewSubscription: async (subscriptionId, outcome) => simulator.renew(subscriptionId, outcome),
    flush: () => sender.flush(),
    setFaults: (change) => faults.change(change),
    faults: () => faults.report(),
  };
}

function registerApi(api: FastifyInstance, simulator: Simulator, options: FakeRecurrenteOptions): void {
  api.addHook('onRequest', async (request, reply) => {
    if (request.headers['x-public-key'] !== options.publicKey || request.headers['x-secret-key'] !== options.secretKey) {
      return reply.code(401).send({ error: 'Unauthorized: X-PUBLIC-KEY and X-SECRET-KEY must be valid API keys' });
    }
  });

  api.post('/checkouts', async (request, reply) => {
    const body = validate(CreateCheckoutBody, request.body);
    const key = headerValue(request.headers['idempotency-key']) ?? body.metadata?.idempotency_key;
    const checkout = simulator.createCheckout(body, key);
    return reply.code(201).send({ id: checkout.id, checkout_url: checkout.url });
  });

  api.get<{ Params: { id: string } }>('/checkouts/:id', async (request) => checkoutView(simulator.checkout(request.params.id)));

  api.get<{ Params: { id: string } }>('/subscriptions/:id', async (request) => subscriptionView(simulator.subscription(request.params.id)));

  api.delete<{ Params: { id: string } }>('/subscriptions/:id', async (request) => {
    simulator.cancelSubscription(request.params.id);
    return { message: 'Suscripción cancelada' };
  });

  api.post('/refunds', async (request) => {
    const body = validate(CreateRefundBody, request.body);
    return simulator.refund(body.payment_intent_id, headerValue(request.headers['idempotency-key']));
  });
}

function registerCheckoutPages(app: FastifyInstance, simulator: Simulator): void {
  app.get<{ Params: { id: string } }>('/checkout/:id', async (request, reply) => {
    const checkout = simulator.findCheckout(request.params.id);
    if (!checkout) return page(reply, 404, 'Checkout not found', '<p>This checkout does not exist.</p>');
    if (checkout.status !== 'unpaid') return page(reply, 200, 'Checkout closed', `<p>This checkout is ${checkout.status}.</p>`);
    return page(reply, 200, 'Checkout', checkoutPageBody(checkout));
  });

  app.post<{ Params: { id: string } }>('/checkout/:id/pay', async (request, reply) => {
    const checkout = openCheckout(simulator, request.params.id, reply);
    if (!checkout) return reply;
    simulator.pay(checkout, customerFields(request.body));
    return checkout.successUrl ? reply.redirect(checkout.successUrl, 303) : page(reply, 200, 'Payment received', '<p>Thank you.</p>');
  });

  app.post<{ Params: { id: string } }>('/checkout/:id/decline', async (request, reply) => {
    const checkout = openCheckout(simulator, request.params.id, reply);
    if (!checkout) return reply;
    simulator.decline(checkout, customerFields(request.body));
    return page(reply, 200, 'Payment declined', `<p>${escapeHtml(DECLINE_REASON)}</p><p><a href="${escapeHtml(checkout.url)}">Try again</a></p>`);
  });

  app.post<{ Params: { id: string } }>('/checkout/:id/cancel', async (request, reply) => {
    const checkout = openCheckout(simulator, request.params.id, reply);
    if (!checkout) return reply;
    return checkout.cancelUrl ? reply.redirect(checkout.cancelUrl, 303) : page(reply, 200, 'Checkout cancelled', '<p>No payment was made.</p>');
  });
}

/** Returns the checkout if it can still be paid; otherwise answers with the matching error page. */
function openCheckout(simulator: Simulator, id: string, reply: FastifyReply): CheckoutRecord | undefined {
  const checkout = simulator.findCheckout(id);
  if (!checkout) void page(reply, 404, 'Checkout not found', '<p>This checkout does not exist.</p>');
  else if (checkout.status === 'paid') void page(reply, 409, 'Already paid', '<p>This checkout has already been paid.</p>');
  else if (checkout.status === 'expired') void page(reply, 410, 'Checkout expired', '<p>This checkout has expired.</p>');
  else return checkout;
  return undefined;
}

/** In-memory Recurrente: checkouts, payment intents, subscriptions, refunds, and the events they emit. */
class Simulator {
  private readonly checkouts = new Map<string, CheckoutRecord>();
  private readonly checkoutsByKey = new Map<string, string>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly intents = new Map<string, PaymentIntentRecord>();
  private readonly refunds = new Map<string, Record<string, unknown>>();
  private readonly refundLog: RefundRecord[] = [];
  private readonly customers = new Map<string, Customer>();

  constructor(
    private readonly sender: WebhookSender,
    private readonly baseUrl: () => string,
  ) {}

  createCheckout(body: Static<typeof CreateCheckoutBody>, idempotencyKey: string | undefined): CheckoutRecord {
    const existing = idempotencyKey === undefined ? undefined : this.checkoutsByKey.get(idempotencyKey);
    if (existing) return this.checkout(existing);
    const items = body.items.map(toItem);
    const currency = checkoutCurrency(items);
    const id = randomId('ch_', 16);
    const checkout: CheckoutRecord = {
      id,
      url: `${this.baseUrl()}/checkout/${id}`,
      status: 'unpaid',
      items,
      currency,
      totalCents: items.reduce((sum, item) => sum + item.amountCents * item.quantity, 0),
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
      expiresAt: body.expires_at === undefined ? undefined : parseInstant(body.expires_at, 'expires_at').toISOString(),
      metadata: body.metadata ?? {},
      idempotencyKey,
      declines: 0,
      createdAt: new Date().toISOString(),
    };
    this.checkouts.set(id, checkout);
    if (idempotencyKey !== undefined) this.checkoutsByKey.set(idempotencyKey, id);
    return checkout;
  }

  findCheckout(id: string): CheckoutRecord | undefined {
    const checkout = this.checkouts.get(id);
    if (checkout?.status === 'unpaid' && checkout.expiresAt !== undefined && Date.parse(checkout.expiresAt) <= Date.now()) {
      checkout.status = 'expired';
    }
    return checkout;
  }

  checkout(id: string): CheckoutRecord {
    return this.findCheckout(id) ?? notFound(`checkout ${id} not found`);
  }

  allRefunds(): RefundRecord[] {
    return this.refundLog;
  }

  allCheckouts(): CheckoutRecord[] {
    return [...this.checkouts.keys()].map((id) => this.checkout(id));
  }

  subscription(id: string): SubscriptionRecord {
    return this.subscriptions.get(id) ?? notFound(`subscription ${id} not found`);
  }

  pay(checkout: CheckoutRecord, customerInput: { email: string; fullName: string }): void {
    const customer = this.customer(customerInput);
    const recurring = checkout.items.find((item) => item.recurring);
    const subscription = recurring ? this.startSubscription(checkout, recurring, customer) : undefined;
    const intent = this.createIntent(checkout, customer, checkout.totalCents, subscription?.id);
    checkout.status = 'paid';
    checkout.paymentIntentId = intent.id;
    checkout.subscriptionId = subscription?.id;
    const events = [paymentIntentEvent('payment_intent.succeeded', intent)];
    if (subscription) {
      subscription.lastPaymentId = intent.id;
      events.push(subscriptionEvent('subscription.create', subscription));
    }
    this.sender.send(events);
  }

  decline(checkout: CheckoutRecord, customerInput: { email: string; fullName: string }): void {
    const intent = this.createIntent(checkout, this.customer(customerInput), checkout.totalCents, undefined, DECLINE_REASON);
    checkout.declines += 1;
    this.sender.send([paymentIntentEvent('payment_intent.failed', intent)]);
  }

  renew(subscriptionId: string, outcome: 'succeeded' | 'failed'): void {
    const subscription = this.subscription(subscriptionId);
    if (subscription.status === 'cancelled') throw new Error(`subscription ${subscriptionId} is cancelled`);
    const checkout = this.checkout(subscription.checkoutId);
    const failure = outcome === 'failed' ? DECLINE_REASON : undefined;
    const intent = this.createIntent(checkout, subscription.customer, subscription.amountCents, subscription.id, failure);
    subscription.lastPaymentId = intent.id;
    const events = [paymentIntentEvent(outcome === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.failed', intent)];
    if (outcome === 'succeeded') advancePeriod(subscription);
    else events.push(...chargeFailed(subscription));
    this.sender.send(events);
  }

  cancelSubscription(id: string): void {
    const subscription = this.subscription(id);
    if (subscription.status === 'cancelled') return;
    subscription.status = 'cancelled';
    this.sender.send([subscriptionEvent('subscription.cancel', subscription)]);
  }

  refund(paymentIntentId: string, idempotencyKey: string | undefined): Record<string, unknown> {
    const previous = idempotencyKey === undefined ? undefined : this.refunds.get(idempotencyKey);
    if (previous) return previous;
    const intent = this.intents.get(paymentIntentId) ?? notFound(`payment intent ${paymentIntentId} not found`);
    if (intent.status !== 'succeeded') throw httpError(422, `payment intent ${paymentIntentId} did not succeed`);
    if (intent.refundId) throw httpError(422, `payment intent ${paymentIntentId} is already refunded`);
    intent.refundId = randomId('re_', 8);
    this.refundLog.push({ id: intent.refundId, paymentIntentId, amountCents: intent.amountCents, createdAt: new Date().toISOString() });
    const refund = {
      id: intent.refundId,
      status: 'succeeded',
      customer: customerView(intent.customer),
      account_refunded_amount_in_cents: intent.amountCents,
      customer_refunded_amount_in_cents: intent.amountCents,
      currency: intent.currency,
      created_at: new Date().toISOString(),
    };
    if (idempotencyKey !== undefined) this.refunds.set(idempotencyKey, refund);
    return refund;
  }

  private customer(input: { email: string; fullName: string }): Customer {
    const known = this.customers.get(input.email.toLowerCase());
    if (known) return known;
    const customer = { id: randomId('us_', 8), ...input };
    this.customers.set(input.email.toLowerCase(), customer);
    return customer;
  }

  private startSubscription(checkout: CheckoutRecord, item: FakeCheckoutItem, customer: Customer): SubscriptionRecord {
    const interval = item.recurring ?? { interval: 'month', intervalCount: 1 };
    const now = new Date();
    const subscription: SubscriptionRecord = {
      id: randomId('su_', 8),
      checkoutId: checkout.id,
      description: item.name,
      status: 'active',
      amountCents: item.amountCents * item.quantity,
      currency: item.currency,
      interval: interval.interval,
      intervalCount: interval.intervalCount,
      customer,
      createdAt: now.toISOString(),
      periodStart: now,
      periodEnd: addInterval(now, interval.interval, interval.intervalCount),
      failedCharges: 0,
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  private createIntent(
    checkout: CheckoutRecord,
    customer: Customer,
    amountCents: number,
    subscriptionId: string | undefined,
    failureReason?: string,
  ): PaymentIntentRecord {
    const intent: PaymentIntentRecord = {
      id: randomId('pa_', 8),
      paymentableId: subscriptionId ?? randomId('on_', 8),
      checkout,
      subscriptionId,
      customer,
      amountCents,
      currency: checkout.currency,
      status: failureReason === undefined ? 'succeeded' : 'failed',
      failureReason,
      createdAt: new Date().toISOString(),
    };
    this.intents.set(intent.id, intent);
    return intent;
  }
}

/** Records a failed renewal: first failure → past_due, third → cancelled (Recurrente retries at +3 and +5 days). */
function chargeFailed(subscription: SubscriptionRecord): WebhookPayload[] {
  subscription.failedCharges += 1;
  if (subscription.failedCharges === 1) {
    subscription.status = 'past_due';
    return [subscriptionEvent('subscription.past_due', subscription)];
  }
  if (subscription.failedCharges >= 3) {
    subscription.status = 'cancelled';
    return [subscriptionEvent('subscription.cancel', subscription)];
  }
  return [];
}

function advancePeriod(subscription: SubscriptionRecord): void {
  subscription.status = 'active';
  subscription.failedCharges = 0;
  subscription.periodStart = subscription.periodEnd;
  subscription.periodEnd = addInterval(subscription.periodEnd, subscription.interval, subscription.intervalCount);
}

/** Sends Svix-signed webhooks with Svix's retry behaviour; first attempts go out in emission order. */
class WebhookSender {
  readonly records: DeliveryRecord[] = [];
  private mode = { duplicate: 1, reorder: false };
  private held: { id: string; eventType: string; body: string }[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly closing = new AbortController();

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly delaysMs: number[],
  ) {}

  send(events: WebhookPayload[]): void {
    const messages = events.flatMap((event) => {
      const message = { id: randomId('msg_', 27, MIXED_ALNUM), eventType: event.event_type, body: JSON.stringify(event) };
      return Array.from({ length: this.mode.duplicate }, () => message);
    });
    if (this.mode.reorder) this.held.push(...messages);
    else this.dispatch(messages);
  }

  setMode(mode: DeliveryMode): void {
    this.mode = { duplicate: Math.max(1, mode.duplicate ?? 1), reorder: mode.reorder ?? false };
    if (!this.mode.reorder) this.release();
  }

  async flush(): Promise<void> {
    this.release();
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  close(): void {
    this.closing.abort();
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }

  private release(): void {
    const batch = this.held.reverse();
    this.held = [];
    this.dispatch(batch);
  }

  private dispatch(messages: { id: string; eventType: string; body: string }[]): void {
    for (const message of messages) {
      const first = this.chain.then(() => this.attempt(message, 0));
      this.chain = first;
      const delivery = first.then((outcome) => (outcome === 'failed' ? this.retry(message) : undefined));
      this.pending.add(delivery);
      void delivery.then(() => this.pending.delete(delivery));
    }
  }

  private async retry(message: { id: string; eventType: string; body: string }): Promise<void> {
    for (let index = 1; index < this.delaysMs.length; index += 1) {
      if ((await this.attempt(message, index)) !== 'failed') return;
    }
  }

  private async attempt(message: { id: string; eventType: string; body: string }, index: number): Promise<'delivered' | 'failed' | 'stopped'> {
    await this.sleep(this.delaysMs[index] ?? 0);
    if (this.closing.signal.aborted) return 'stopped';
    const record: DeliveryRecord = { messageId: message.id, eventType: message.eventType, attempt: index + 1, body: message.body, at: new Date().toISOString() };
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(this.secret, message.id, new Date(), message.body) },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      record.status = response.status;
    } catch (error) {
      if (this.closing.signal.aborted) return 'stopped';
      record.error = error instanceof Error ? error.message : String(error);
    }
    this.records.push(record);
    return record.status !== undefined && record.status >= 200 && record.status < 300 ? 'delivered' : 'failed';
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closing.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }
}

function paymentIntentEvent(eventType: string, intent: PaymentIntentRecord): WebhookPayload {
  return {
    id: intent.id,
    event_type: eventType,
    api_version: API_VERSION,
    checkout: { id: intent.checkout.id, status: intent.checkout.status, metadata: intent.checkout.metadata },
    created_at: intent.createdAt,
    failure_reason: intent.failureReason ?? null,
    amount_in_cents: intent.amountCents,
    currency: intent.currency,
    customer: customerView(intent.customer),
    payment: {
      id: intent.id,
      paymentable: { type: intent.subscriptionId ? 'Subscription' : 'OneTimePayment', id: intent.paymentableId },
    },
    ...(intent.subscriptionId ? { subscription: { id: intent.subscriptionId } } : {}),
  };
}

function subscriptionEvent(eventType: string, subscription: SubscriptionRecord): WebhookPayload {
  return {
    id: subscription.id,
    event_type: eventType,
    api_version: API_VERSION,
    created_at: new Date().toISOString(),
    customer_id: subscription.customer.id,
    customer_email: subscription.customer.email,
    customer_name: subscription.customer.fullName,
    payment: subscription.lastPaymentId
      ? { id: subscription.lastPaymentId, paymentable: { type: 'Subscription', id: subscription.id } }
      : null,
  };
}

function checkoutView(checkout: CheckoutRecord): Record<string, unknown> {
  const paymentable = checkout.subscriptionId ? { type: 'Subscription', id: checkout.subscriptionId } : { type: 'OneTimePayment' };
  return {
    id: checkout.id,
    status: checkout.status,
    payment: checkout.paymentIntentId ? { id: checkout.paymentIntentId, paymentable } : null,
    metadata: checkout.metadata,
    expires_at: checkout.expiresAt ?? null,
    success_url: checkout.successUrl ?? null,
    cancel_url: checkout.cancelUrl ?? null,
    created_at: checkout.createdAt,
    total_in_cents: checkout.totalCents,
    currency: checkout.currency,
  };
}

function subscriptionView(subscription: SubscriptionRecord): Record<string, unknown> {
  return {
    id: subscription.id,
    description: subscription.description,
    status: subscription.status,
    created_at: subscription.createdAt,
    current_period_start: subscription.periodStart.toISOString(),
    current_period_end: subscription.periodEnd.toISOString(),
    subscriber: customerView(subscription.customer),
    checkout: { id: subscription.checkoutId },
  };
}

function customerView(customer: Customer): Record<string, string> {
  return { id: customer.id, email: customer.email, full_name: customer.fullName };
}

function checkoutPageBody(checkout: CheckoutRecord): string {
  const lines = checkout.items
    .map((item) => `<li>${escapeHtml(item.name)} × ${item.quantity}: ${money(item.amountCents, item.currency)}${cadence(item)}</li>`)
    .join('');
  const action = (path: string) => escapeHtml(`${checkout.url}/${path}`);
  return `<ul>${lines}</ul>
<p>Total: <strong>${money(checkout.totalCents, checkout.currency)}</strong></p>
<form method="post" action="${action('pay')}">
<label>Email <input type="email" name="email" value="buyer@example.com" required></label>
<label>Name <input name="full_name" value="Test Buyer"></label>
<button type="submit">Pay</button>
</form>
<form method="post" action="${action('decline')}"><button type="submit">Decline card</button></form>
<form method="post" action="${action('cancel')}"><button type="submit">Cancel</button></form>`;
}

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Recurrente (simulated)</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

function money(cents: number, currency: Currency): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

function cadence(item: FakeCheckoutItem): string {
  if (!item.recurring) return '';
  const { interval, intervalCount } = item.recurring;
  return intervalCount === 1 ? ` every ${interval}` : ` every ${intervalCount} ${interval}s`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function toItem(item: Static<typeof WireItem>, index: number): FakeCheckoutItem {
  const recurring = item.charge_type === 'recurring';
  if (recurring && item.billing_interval === undefined) {
    throw httpError(422, `items[${index}].billing_interval is required when charge_type is recurring`);
  }
  return {
    name: item.name,
    currency: item.currency,
    amountCents: item.amount_in_cents,
    quantity: item.quantity ?? 1,
    ...(recurring && item.billing_interval
      ? { recurring: { interval: item.billing_interval, intervalCount: item.billing_interval_count ?? 1 } }
      : {}),
  };
}

function checkoutCurrency(items: FakeCheckoutItem[]): Currency {
  const currencies = new Set(items.map((item) => item.currency));
  const [currency] = currencies;
  if (currency === undefined || currencies.size > 1) throw httpError(422, 'all items of a checkout must use the same currency');
  if (items.filter((item) => item.recurring).length > 1) throw httpError(422, 'the simulator supports one recurring item per checkout');
  return currency;
}

function customerFields(body: unknown): { email: string; fullName: string } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const email = typeof fields.email === 'string' && fields.email !== '' ? fields.email : 'buyer@example.com';
  const fullName = typeof fields.full_name === 'string' && fields.full_name !== '' ? fields.full_name : 'Test Buyer';
  return { email, fullName };
}

function validate<S extends TSchema>(schema: S, value: unknown): Static<S> {
  if (Value.Check(schema, value)) return value;
  const problems = Value.Errors(schema, value).map((error) => {
    const allowed = 'allowedValues' in error.params ? ` (${error.params.allowedValues.join(', ')})` : '';
    return `${jsonPath(error.instancePath)} ${error.message}${allowed}`;
  });
  throw httpError(422, [...new Set(problems)].join('; '));
}

function jsonPath(pointer: string): string {
  if (pointer === '') return 'body';
  return pointer
    .split('/')
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : `${index === 0 ? '' : '.'}${part}`))
    .join('');
}

function parseInstant(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw httpError(422, `${field} must be an ISO 8601 date-time`);
  return date;
}

function addInterval(from: Date, interval: Interval, count: number): Date {
  const next = new Date(from);
  if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7 * count);
  else if (interval === 'month') next.setUTCMonth(next.getUTCMonth() + count);
  else next.setUTCFullYear(next.getUTCFullYear() + count);
  return next;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function randomId(prefix: string, length: number, alphabet = LOWER_ALNUM): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

function notFound(message: string): never {
  throw httpError(404, message);
}
