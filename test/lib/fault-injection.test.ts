import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSpec, type FaultDecision } from '../../lib/fault-injection.js';
import { GatewayError, type CreateCheckoutInput } from '../../lib/payments/gateway.js';
import { startFakePostmark, type FakePostmark } from '../../lib/postmark/fake.js';
import { createMailer, MailerError } from '../../lib/postmark/mailer.js';
import { RecurrenteGateway } from '../../lib/recurrente/client.js';
import { startFakeRecurrente, type FakeRecurrente } from '../../lib/recurrente/fake.js';

const PUBLIC_KEY = 'pk_test_faults';
const SECRET_KEY = 'sk_test_faults';
const TOKEN = 'fault-test-token';
const FROM = 'WebMagic <hello@webmagic.test>';
/** Held requests outlast the clients' timeouts below by far. */
const HOLD_MS = 1500;
const CLIENT_TIMEOUT_MS = 200;

async function rejection<E>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('parseFaultSpec', () => {
  it('reads rates, durations and the seed', () => {
    expect(parseFaultSpec('error=0.2, timeout=0.05,late=0.1,latency=250ms,hold=35s,seed=7')).toEqual({
      errorRate: 0.2, timeoutRate: 0.05, lateRate: 0.1, latencyMs: 250, holdMs: 35_000, seed: 7,
    });
    expect(parseFaultSpec('')).toEqual({});
  });

  it('says what is wrong with a spec', () => {
    expect(() => parseFaultSpec('errors=0.2')).toThrow(/unknown fault "errors"/);
    expect(() => parseFaultSpec('latency=fast')).toThrow(/duration such as 250ms/);
    expect(() => parseFaultSpec('error=1.5')).toThrow(/errorRate/);
    expect(() => parseFaultSpec('error=0.6,timeout=0.6')).toThrow(/together must be at most 1/);
  });
});

describe('FaultInjector', () => {
  const draws = (injector: FaultInjector, n: number): FaultDecision[] => Array.from({ length: n }, () => injector.decide());

  it('draws the same faults for the same seed, and counts them', () => {
    const settings = { errorRate: 0.2, timeoutRate: 0.05, lateRate: 0.05, seed: 42 };
    const first = draws(new FaultInjector(settings), 400);
    expect(draws(new FaultInjector(settings), 400)).toEqual(first);
    expect(draws(new FaultInjector({ ...settings, seed: 43 }), 400)).not.toEqual(first);
    const errors = first.filter((d) => d === 'error').length;
    expect(errors).toBeGreaterThan(40);
    expect(errors).toBeLessThan(120);

    const injector = new FaultInjector(settings);
    draws(injector, 400);
    expect(injector.report().injected).toEqual({
      requests: 400, errors, timeouts: first.filter((d) => d === 'timeout').length, late: first.filter((d) => d === 'late').length,
    });
  });

  it('injects nothing without rates, and every time at rate 1; a new seed restarts the draws', () => {
    const injector = new FaultInjector();
    expect(new Set(draws(injector, 50))).toEqual(new Set(['pass']));
    injector.change({ errorRate: 1 });
    expect(new Set(draws(injector, 50))).toEqual(new Set(['error']));
    injector.change({ errorRate: 0.5, seed: 9 });
    const once = draws(injector, 30);
    injector.change({ seed: 9 });
    expect(draws(injector, 30)).toEqual(once);
    expect(() => injector.change({ timeoutRate: 0.6 })).toThrow(/together must be at most 1/);
    expect(injector.current.timeoutRate).toBe(0);
  });
});

describe('simulated Recurrente fault modes', () => {
  let fake: FakeRecurrente;
  let gateway: RecurrenteGateway;
  const checkout = (key: string): CreateCheckoutInput => ({
    idempotencyKey: key,
    items: [{ name: 'Website', amountCents: 49500, currency: 'USD', quantity: 1 }],
    successUrl: 'https://app.test/ok',
    cancelUrl: 'https://app.test/cancel',
    metadata: { purpose: 'claim' },
  });

  beforeEach(async () => {
    fake = await startFakeRecurrente({ webhookUrl: 'http://127.0.0.1:9/unused', webhookSecret: 'whsec_dGVzdA==', publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, retryDelaysMs: [0] });
    gateway = new RecurrenteGateway({ apiUrl: fake.apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, timeoutMs: CLIENT_TIMEOUT_MS });
  });
  afterEach(() => fake.close());

  it('answers injected errors as retryable 5xx in its error format, and does nothing', async () => {
    fake.setFaults({ errorRate: 1 });
    const error = await rejection(gateway.createCheckout(checkout('k-error')), GatewayError);
    expect(error.retryable).toBe(true);
    expect([500, 502, 503]).toContain(error.status);
    expect(error.message).toMatch(/answered 50[023]: (Internal Server Error|Bad Gateway|Service Unavailable)/);
    expect(fake.checkouts()).toEqual([]);
    expect(fake.faults().injected).toMatchObject({ requests: 1, errors: 1 });

    fake.setFaults({ errorRate: 0 });
    await gateway.createCheckout(checkout('k-error'));
    expect(fake.checkouts()).toHaveLength(1);
  });

  it('holds a timed-out request past the client timeout and does nothing', async () => {
    fake.setFaults({ timeoutRate: 1, holdMs: HOLD_MS });
    const error = await rejection(gateway.createCheckout(checkout('k-timeout')), GatewayError);
    expect(error.message).toMatch(/timed out/);
    expect(error.retryable).toBe(true);
    await sleep(HOLD_MS + 200);
    expect(fake.checkouts()).toEqual([]);
  });

  it('does a late request but answers after the client gave up; the retry with the same key gets the same checkout and refund', async () => {
    fake.setFaults({ lateRate: 1, holdMs: HOLD_MS });
    expect((await rejection(gateway.createCheckout(checkout('k-late')), GatewayError)).message).toMatch(/timed out/);
    expect(fake.checkouts()).toHaveLength(1);
    fake.setFaults({ lateRate: 0 });
    const session = await gateway.createCheckout(checkout('k-late'));
    expect(fake.checkouts().map((c) => c.id)).toEqual([session.checkoutId]);

    const paid = await fetch(`${session.checkoutUrl}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com', redirect: 'manual' });
    expect(paid.status).toBe(303);
    const intent = fake.checkouts()[0]?.paymentIntentId ?? '';
    fake.setFaults({ lateRate: 1 });
    await rejection(gateway.refund(intent, 'refund:k-late'), GatewayError);
    fake.setFaults({ lateRate: 0 });
    const first = await gateway.refund(intent, 'refund:k-late');
    expect(await gateway.refund(intent, 'refund:k-late')).toEqual(first);
    expect(fake.refunds().map((r) => [r.id, r.paymentIntentId])).toEqual([[first.refundId, intent]]);
    // A refund under another key is refused: the payment was refunded once.
    expect((await rejection(gateway.refund(intent, 'refund:other'), GatewayError)).status).toBe(422);
  });

  it('adds latency to every answer', async () => {
    const patient = new RecurrenteGateway({ apiUrl: fake.apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
    fake.setFaults({ latencyMs: 300 });
    const started = Date.now();
    await patient.createCheckout(checkout('k-latency'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('is switched at run time through GET and PUT /__faults', async () => {
    const put = await fetch(`${fake.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 1, seed: 3 }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ settings: { errorRate: 1, seed: 3, timeoutRate: 0 }, injected: { requests: 0 } });
    await rejection(gateway.createCheckout(checkout('k-control')), GatewayError);
    expect(await (await fetch(`${fake.url}/__faults`)).json()).toMatchObject({ settings: { errorRate: 1 }, injected: { requests: 1, errors: 1 } });

    const bad = await fetch(`${fake.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/errorRate/) as unknown });
    expect(fake.faults().settings.errorRate).toBe(1);
  });

  it('starts with the faults it is given', async () => {
    const faulty = await startFakeRecurrente({ webhookUrl: 'http://127.0.0.1:9/unused', webhookSecret: 'whsec_dGVzdA==', publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, faults: { errorRate: 1 } });
    try {
      const client = new RecurrenteGateway({ apiUrl: faulty.apiUrl, publicKey: PUBLIC_KEY, secretKey: SECRET_KEY });
      expect((await rejection(client.getCheckout('ch_unknown'), GatewayError)).retryable).toBe(true);
    } finally {
      await faulty.close();
    }
  });
});

describe('fake Postmark fault modes', () => {
  let fake: FakePostmark;
  const email = (key: string) => ({ to: 'owner@example.com', subject: 'Hello', htmlBody: '<p>Hello</p>', textBody: 'Hello', idempotencyKey: key });
  const mailer = () => createMailer({ serverToken: TOKEN, apiHost: fake.host, useHttps: false, from: FROM, timeoutSeconds: CLIENT_TIMEOUT_MS / 1000 });

  beforeAll(async () => {
    fake = await startFakePostmark({ serverToken: TOKEN });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.setFaults({ errorRate: 0, timeoutRate: 0, lateRate: 0, latencyMs: 0, holdMs: HOLD_MS });
  });

  it('answers injected errors as Postmark does (500 or 503 with an ErrorCode), sending nothing', async () => {
    fake.setFaults({ errorRate: 1 });
    const error = await rejection(mailer().send(email('k-error')), MailerError);
    expect(error.retryable).toBe(true);
    expect([500, 503]).toContain(error.statusCode);
    expect(fake.sent()).toEqual([]);
  });

  it('holds a timed-out send past the client timeout, sending nothing', async () => {
    fake.setFaults({ timeoutRate: 1 });
    const error = await rejection(mailer().send(email('k-timeout')), MailerError);
    expect(error).toMatchObject({ statusCode: 0, retryable: true });
    await sleep(HOLD_MS + 200);
    expect(fake.sent()).toEqual([]);
  });

  it('accepts then times out: the message is recorded as sent, the answer comes too late, and the search finds it', async () => {
    fake.setFaults({ lateRate: 1 });
    const error = await rejection(mailer().send(email('k-late')), MailerError);
    expect(error).toMatchObject({ statusCode: 0, retryable: true });
    expect(fake.sent().map((m) => m.Metadata.idempotency_key)).toEqual(['k-late']);
    fake.setFaults({ lateRate: 0 });
    expect(await mailer().findSent('k-late')).toEqual({ messageId: fake.sent()[0]?.MessageID });
  });

  it('is switched at run time through /__faults, which needs no server token', async () => {
    const put = await fetch(`${fake.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 0.2, timeoutRate: 0.05, seed: 11 }) });
    expect(put.status).toBe(200);
    expect(await (await fetch(`${fake.url}/__faults`)).json()).toMatchObject({ settings: { errorRate: 0.2, timeoutRate: 0.05, seed: 11 } });
    const bad = await fetch(`${fake.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 'often' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ErrorCode: 300, Message: expect.stringMatching(/errorRate/) as unknown });
  });
});
