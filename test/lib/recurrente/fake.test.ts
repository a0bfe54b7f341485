import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type CreateCheckoutInput } from '../../../lib/payments/gateway.js';
import { RecurrenteGateway } from '../../../lib/recurrente/client.js';
import { startFakeRecurrente, type FakeRecurrente } from '../../../lib/recurrente/fake.js';
import { parseRecurrenteEvent, type RecurrenteEvent } from '../../../lib/recurrente/events.js';
import { verifyWebhook } from '../../../lib/recurrente/signature.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('fake-recurrente-test-secret-0123456789').toString('base64')}`;
const PUBLIC_KEY = 'pk_test_fake';
const SECRET_KEY = 'sk_test_fake';

interface Received {
  svixId: string;
  body: string;
  event: RecurrenteEvent;
}

/** A webhook endpoint that verifies every delivery the way the real API route must. */
async function startReceiver() {
  const received: Received[] = [];
  const rejected: string[] = [];
  const answers: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const app = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/webhooks/recurrente', async (request, reply) => {
    const raw = String(request.body);
    try {
      verifyWebhook(WEBHOOK_SECRET, request.headers, raw);
    } catch (error) {
      rejected.push(String(error));
      return reply.code(400).send();
    }
    const svixId = String(request.headers['svix-id']);
    received.push({ svixId, body: raw, event: parseRecurrenteEvent(raw, svixId) });
    for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    return reply.code(answers.shift() ?? 204).send();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/recurrente`,
    received,
    rejected,
    types: () => received.map((r) => r.event.type),
    answerNext: (...statuses: number[]) => answers.push(...statuses),
    waitFor: (count: number) => new Promise<void>((resolve) => (received.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: () => app.close(),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function purchase(overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput {
  return {
    idempotencyKey: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:checkout',
    items: [{ name: "Website for Joe's Plumbing <Pro>", amountCents: 49500, currency: 'USD', quantity: 1 }],
    successUrl: 'http://shop.test/success',
    cancelUrl: 'http://shop.test/cancel',
    metadata: { site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', workflow_id: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80' },
    ...overrides,
  };
}

function monthly(overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput {
  return purchase({
    idempotencyKey: 'subscription:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:activate',
    items: [{ name: 'Hosting', amountCents: 9500, currency: 'USD', quantity: 1, recurring: { interval: 'month', intervalCount: 1 } }],
    ...overrides,
  });
}

function submit(checkoutUrl: string, action: 'pay' | 'decline' | 'cancel'): Promise<Response> {
  const form = new URLSearchParams({ email: 'owner@example.com', full_name: 'Joe Owner' });
  return fetch(`${checkoutUrl}/${action}`, { method: 'POST', body: form, redirect: 'manual' });
}

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('fake Recurrente', () => {
  let receiver: Receiver;
  let fake: FakeRecurrente;
  let gateway: RecurrenteGateway;

  beforeEach(async () => {
    receiver = await startReceiver();
    fake = await startFakeRecurrente({
      port: 0,
      webhookUrl: receiver.url,
      webhookSecret: WEBHOOK_SECRET,
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      retryDelaysMs: [0, 10, 10],
    });
    gateway = new RecurrenteGateway({ apiUrl: fake.apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
  });

  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  it('creates a checkout whose hosted page shows the items and the three forms', async () => {
    const { checkoutId, checkoutUrl } = await gateway.createCheckout(purchase());
    expect(checkoutId).toMatch(/^ch_[a-z0-9]+$/);
    expect(checkoutUrl).toBe(`${fake.url}/checkout/${checkoutId}`);

    const response = await fetch(checkoutUrl);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Website for Joe&#39;s Plumbing &#60;Pro&#62;');
    expect(html).toContain('495.00 USD');
    for (const action of ['pay', 'decline', 'cancel']) {
      expect(html).toContain(`<form method="post" action="${checkoutUrl}/${action}">`);
    }
    expect(fake.checkouts()).toMatchObject([
      { id: checkoutId, status: 'unpaid', totalCents: 49500, currency: 'USD', metadata: { site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', idempotency_key: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:checkout' } },
    ]);
  });

  it('returns the same checkout for the same idempotency key', async () => {
    const first = await gateway.createCheckout(purchase());
    const again = await gateway.createCheckout(purchase());
    const other = await gateway.createCheckout(purchase({ idempotencyKey: 'claim:site-2:checkout' }));
    expect(again).toEqual(first);
    expect(other.checkoutId).not.toBe(first.checkoutId);
    expect(fake.checkouts()).toHaveLength(2);
  });

  it('pays: redirects to success_url and delivers a signed payment_intent.succeeded carrying the metadata', async () => {
    const { checkoutId, checkoutUrl } = await gateway.createCheckout(purchase());
    const response = await submit(checkoutUrl, 'pay');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://shop.test/success');

    await fake.flush();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery?.svixId).toMatch(/^msg_[A-Za-z0-9]{27}$/);
    expect(delivery?.event).toMatchObject({
      type: 'payment_intent.succeeded',
      checkoutId,
      amountCents: 49500,
      currency: 'USD',
      metadata: { site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', workflow_id: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', idempotency_key: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:checkout' },
      family: 'legacy',
    });
    expect(delivery?.event.paymentIntentId).toMatch(/^pa_/);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ customer: { email: 'owner@example.com', full_name: 'Joe Owner' } });

    const checkout = await gateway.getCheckout(checkoutId);
    expect(checkout).toMatchObject({ checkoutId, status: 'paid', paymentIntentId: delivery?.event.paymentIntentId, subscriptionId: undefined });
  });

  it('refuses to take a second payment for a paid checkout', async () => {
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    expect((await submit(checkoutUrl, 'pay')).status).toBe(303);
    const second = await submit(checkoutUrl, 'pay');
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already been paid');
    await fake.flush();
    expect(receiver.types()).toEqual(['payment_intent.succeeded']);
  });

  it('retries a delivery the receiver failed, with the same svix-id', async () => {
    receiver.answerNext(500);
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await fake.flush();

    const [first, second] = receiver.received;
    expect(receiver.received).toHaveLength(2);
    expect(second?.svixId).toBe(first?.svixId);
    expect(second?.body).toBe(first?.body);
    expect(fake.deliveries().map((d) => ({ id: d.messageId, attempt: d.attempt, status: d.status }))).toEqual([
      { id: first?.svixId, attempt: 1, status: 500 },
      { id: first?.svixId, attempt: 2, status: 204 },
    ]);
  });

  it('gives up after the last scheduled retry', async () => {
    receiver.answerNext(500, 503, 502, 200);
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    expect(fake.deliveries().map((d) => d.status)).toEqual([500, 503, 502]);
  });

  it('records an unreachable endpoint as failed attempts without a status', async () => {
    await receiver.close();
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    const deliveries = fake.deliveries();
    expect(deliveries).toHaveLength(3);
    expect(deliveries.every((d) => d.status === undefined && typeof d.error === 'string')).toBe(true);
  });

  it('duplicate mode sends each event several times under one svix-id', async () => {
    fake.setDeliveryMode({ duplicate: 3 });
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    expect(receiver.types()).toEqual(['payment_intent.succeeded', 'payment_intent.succeeded', 'payment_intent.succeeded']);
    expect(new Set(receiver.received.map((r) => r.svixId)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('reorder mode holds events and delivers them in reverse on flush', async () => {
    fake.setDeliveryMode({ reorder: true });
    const { checkoutUrl } = await gateway.createCheckout(monthly());
    await submit(checkoutUrl, 'pay');
    expect(fake.deliveries()).toEqual([]);

    await fake.flush();
    expect(receiver.types()).toEqual(['subscription.create', 'payment_intent.succeeded']);
  });

  it('declines without closing the checkout, then accepts a retry', async () => {
    const { checkoutId, checkoutUrl } = await gateway.createCheckout(purchase());
    const declined = await submit(checkoutUrl, 'decline');
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain(`href="${checkoutUrl}"`);
    await fake.flush();
    expect((await gateway.getCheckout(checkoutId)).status).toBe('unpaid');

    expect((await submit(checkoutUrl, 'pay')).status).toBe(303);
    await fake.flush();
    const [failed, succeeded] = receiver.received.map((r) => r.event);
    expect(receiver.types()).toEqual(['payment_intent.failed', 'payment_intent.succeeded']);
    expect(failed).toMatchObject({ checkoutId, metadata: { site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80' } });
    expect(failed?.failureReason).toMatch(/rechazado/);
    expect(succeeded?.paymentIntentId).not.toBe(failed?.paymentIntentId);
    expect(fake.checkouts()[0]).toMatchObject({ status: 'paid', declines: 1 });
  });

  it('cancel redirects to cancel_url and emits nothing', async () => {
    const { checkoutId, checkoutUrl } = await gateway.createCheckout(purchase());
    const response = await submit(checkoutUrl, 'cancel');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://shop.test/cancel');
    await fake.flush();
    expect(fake.deliveries()).toEqual([]);
    expect((await gateway.getCheckout(checkoutId)).status).toBe('unpaid');
  });

  it('refuses to pay an expired checkout', async () => {
    const { checkoutUrl } = await gateway.createCheckout(purchase({ expiresAt: new Date('2020-01-01T00:00:00Z') }));
    expect((await submit(checkoutUrl, 'pay')).status).toBe(410);
    expect(fake.checkouts()[0]?.status).toBe('expired');
  });

  it('answers 401 unless both API keys match', async () => {
    const wrongSecret = new RecurrenteGateway({ apiUrl: fake.apiUrl, publicKey: PUBLIC_KEY, secretKey: 'sk_wrong' });
    const error = await gatewayError(wrongSecret.createCheckout(purchase()));
    expect(error).toMatchObject({ status: 401, retryable: false });

    const noPublicKey = await fetch(`${fake.apiUrl}/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-SECRET-KEY': SECRET_KEY },
      body: JSON.stringify({ items: [] }),
    });
    expect(noPublicKey.status).toBe(401);
    expect(((await noPublicKey.json()) as { error: string }).error).toContain('X-PUBLIC-KEY');
    expect(fake.checkouts()).toEqual([]);
  });

  it('answers 422 with a message naming the bad field', async () => {
    const post = (body: unknown) =>
      fetch(`${fake.apiUrl}/checkouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-PUBLIC-KEY': PUBLIC_KEY, 'X-SECRET-KEY': SECRET_KEY },
        body: JSON.stringify(body),
      });
    const noItems = await post({ items: [] });
    expect(noItems.status).toBe(422);
    expect(await noItems.json()).toEqual({ error: 'items must not have fewer than 1 items' });

    const badAmount = await post({ items: [{ name: 'Site', currency: 'USD', amount_in_cents: 0 }] });
    expect(badAmount.status).toBe(422);
    expect(((await badAmount.json()) as { error: string }).error).toContain('items[0].amount_in_cents');

    const badCurrency = await post({ items: [{ name: 'Site', currency: 'EUR', amount_in_cents: 100 }] });
    expect(await badCurrency.json()).toEqual({ error: 'items[0].currency must be equal to one of the allowed values (GTQ, USD)' });

    const noInterval = await post({ items: [{ name: 'Site', currency: 'USD', amount_in_cents: 100, charge_type: 'recurring' }] });
    expect(((await noInterval.json()) as { error: string }).error).toBe('items[0].billing_interval is required when charge_type is recurring');

    const error = await gatewayError(gateway.createCheckout(purchase({ items: [] })));
    expect(error).toMatchObject({ status: 422, retryable: false });
    expect(fake.checkouts()).toEqual([]);
  });

  it('starts a subscription from a recurring checkout and emits subscription.create', async () => {
    const { checkoutId, checkoutUrl } = await gateway.createCheckout(monthly());
    await submit(checkoutUrl, 'pay');
    await fake.flush();

    const [payment, created] = receiver.received.map((r) => r.event);
    expect(receiver.types()).toEqual(['payment_intent.succeeded', 'subscription.create']);
    expect(payment?.subscriptionId).toMatch(/^su_/);
    expect(payment?.metadata).toMatchObject({ site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80' });
    expect(created).toMatchObject({ subscriptionId: payment?.subscriptionId, paymentIntentId: payment?.paymentIntentId });
    expect(await gateway.getCheckout(checkoutId)).toMatchObject({ status: 'paid', subscriptionId: payment?.subscriptionId });

    const subscription = await fetch(`${fake.apiUrl}/subscriptions/${payment?.subscriptionId}`, {
      headers: { 'X-PUBLIC-KEY': PUBLIC_KEY, 'X-SECRET-KEY': SECRET_KEY },
    });
    expect(await subscription.json()).toMatchObject({ id: payment?.subscriptionId, status: 'active', checkout: { id: checkoutId } });
  });

  it('renewals: a failure makes the subscription past_due once, a later payment makes it active again', async () => {
    const { checkoutUrl } = await gateway.createCheckout(monthly());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    const subscriptionId = receiver.received[0]?.event.subscriptionId ?? '';

    await fake.renewSubscription(subscriptionId, 'failed');
    await fake.renewSubscription(subscriptionId, 'failed');
    await fake.flush();
    const renewals = receiver.received.slice(2).map((r) => r.event);
    expect(renewals.map((e) => e.type)).toEqual(['payment_intent.failed', 'subscription.past_due', 'payment_intent.failed']);
    expect(renewals.every((e) => e.subscriptionId === subscriptionId)).toBe(true);
    expect(renewals[0]?.failureReason).toBeTruthy();

    await fake.renewSubscription(subscriptionId, 'succeeded');
    await fake.flush();
    expect(receiver.received.at(-1)?.event).toMatchObject({ type: 'payment_intent.succeeded', subscriptionId, amountCents: 9500 });
    const subscription = await fetch(`${fake.apiUrl}/subscriptions/${subscriptionId}`, {
      headers: { 'X-PUBLIC-KEY': PUBLIC_KEY, 'X-SECRET-KEY': SECRET_KEY },
    });
    expect(await subscription.json()).toMatchObject({ status: 'active' });
  });

  it('cancels a subscription after the third failed charge in a row', async () => {
    const { checkoutUrl } = await gateway.createCheckout(monthly());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    const subscriptionId = receiver.received[0]?.event.subscriptionId ?? '';

    for (let charge = 0; charge < 3; charge += 1) await fake.renewSubscription(subscriptionId, 'failed');
    await fake.flush();
    expect(receiver.types().slice(2)).toEqual([
      'payment_intent.failed',
      'subscription.past_due',
      'payment_intent.failed',
      'payment_intent.failed',
      'subscription.cancel',
    ]);
    await expect(fake.renewSubscription(subscriptionId, 'succeeded')).rejects.toThrow(/cancelled/);
  });

  it('cancels a subscription through the gateway once, emitting subscription.cancel', async () => {
    const { checkoutUrl } = await gateway.createCheckout(monthly());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    const subscriptionId = receiver.received[0]?.event.subscriptionId ?? '';

    await gateway.cancelSubscription(subscriptionId, 'subscription:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:cancel');
    await gateway.cancelSubscription(subscriptionId, 'subscription:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:cancel');
    await fake.flush();
    expect(receiver.types()).toEqual(['payment_intent.succeeded', 'subscription.create', 'subscription.cancel']);
    expect(receiver.received.at(-1)?.event.subscriptionId).toBe(subscriptionId);

    const unknown = await gatewayError(gateway.cancelSubscription('su_missing', 'k'));
    expect(unknown).toMatchObject({ status: 404, retryable: false });
  });

  it('refunds a payment once per idempotency key', async () => {
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await fake.flush();
    const paymentIntentId = receiver.received[0]?.event.paymentIntentId ?? '';

    const refund = await gateway.refund(paymentIntentId, 'refund:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80');
    expect(refund.refundId).toMatch(/^re_/);
    expect(refund.status).toBe('succeeded');
    expect(await gateway.refund(paymentIntentId, 'refund:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80')).toEqual(refund);
    expect(await gatewayError(gateway.refund(paymentIntentId, 'refund:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:again'))).toMatchObject({ status: 422, retryable: false });
  });

  it('close() stops pending retries so nothing waits on them', async () => {
    await fake.close();
    fake = await startFakeRecurrente({
      webhookUrl: receiver.url,
      webhookSecret: WEBHOOK_SECRET,
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      retryDelaysMs: [0, 3_600_000],
    });
    gateway = new RecurrenteGateway({ apiUrl: fake.apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
    receiver.answerNext(500);
    const { checkoutUrl } = await gateway.createCheckout(purchase());
    await submit(checkoutUrl, 'pay');
    await receiver.waitFor(1);

    await fake.close();
    await fake.flush();
    expect(receiver.received).toHaveLength(1);
  });
});

describe('RecurrenteGateway transport failures', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  }

  function gatewayAt(apiUrl: string, timeoutMs?: number): RecurrenteGateway {
    return new RecurrenteGateway({ apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, timeoutMs });
  }

  it('sends the documented headers and body', async () => {
    const seen: { headers: Record<string, unknown>; body: string; url?: string }[] = [];
    const apiUrl = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ headers: request.headers, body, url: request.url });
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'ch_1', checkout_url: 'https://pay.test/ch_1' }));
      });
    });
    const result = await gatewayAt(`${apiUrl}/`).createCheckout(monthly({ expiresAt: new Date('2030-05-15T13:45:30.123Z') }));
    expect(result).toEqual({ checkoutId: 'ch_1', checkoutUrl: 'https://pay.test/ch_1' });
    expect(seen[0]?.url).toBe('/api/checkouts');
    expect(seen[0]?.headers).toMatchObject({
      'x-public-key': PUBLIC_KEY,
      'x-secret-key': SECRET_KEY,
      'idempotency-key': 'subscription:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:activate',
      'content-type': 'application/json',
    });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      items: [
        { name: 'Hosting', currency: 'USD', amount_in_cents: 9500, quantity: 1, charge_type: 'recurring', billing_interval: 'month', billing_interval_count: 1 },
      ],
      success_url: 'http://shop.test/success',
      cancel_url: 'http://shop.test/cancel',
      expires_at: '2030-05-15T13:45:30Z',
      metadata: { site_id: '5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', workflow_id: 'claim:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80', idempotency_key: 'subscription:5e0c8f3a-7d2b-4c6e-9f1a-3b4c5d6e7f80:activate' },
    });
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [404, false],
    [422, false],
  ])('classifies HTTP %i as retryable=%s', async (status, retryable) => {
    const apiUrl = await listen((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'nope' }));
    });
    const error = await gatewayError(gatewayAt(apiUrl).getCheckout('ch_1'));
    expect(error).toMatchObject({ status, retryable });
    expect(error.message).toContain('nope');
  });

  it('treats a timeout as retryable', async () => {
    const apiUrl = await listen(() => undefined);
    const error = await gatewayError(gatewayAt(apiUrl, 50).getCheckout('ch_1'));
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.message).toContain('timed out');
  });

  it('treats a refused connection as retryable', async () => {
    const apiUrl = await listen(() => undefined);
    server?.close();
    const error = await gatewayError(gatewayAt(apiUrl).getCheckout('ch_1'));
    expect(error).toMatchObject({ retryable: true, status: undefined });
  });

  it('rejects a success answer with an unexpected body as not retryable', async () => {
    const apiUrl = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ unexpected: true }));
    });
    expect(await gatewayError(gatewayAt(apiUrl).getCheckout('ch_1'))).toMatchObject({ status: 200, retryable: false });
  });
});
