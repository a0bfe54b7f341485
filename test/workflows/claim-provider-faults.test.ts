import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OperatorCase, Payment, ProcessedPayment } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimResult, pressCheckoutButton, purchase, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// The provider and Postmark fail under the claim: 5xx answers, requests held past the clients' timeouts, and requests
// done but answered too late. Every step retries, and nothing is created, confirmed, refunded or sent twice.
let stack: TestStack;
const ana = { email: 'ana@example.com', name: 'Ana Owner' };
/** Held requests outlast the clients' timeouts (RECURRENTE_TIMEOUT, POSTMARK_TIMEOUT below). */
const HOLD_MS = 1500;
const NO_FAULTS = { errorRate: 0, timeoutRate: 0, lateRate: 0, holdMs: HOLD_MS };

beforeAll(async () => {
  stack = await startTestStack({ TEMPORAL_RPC_TIMEOUT: '3s', RECURRENTE_TIMEOUT: '500ms', POSTMARK_TIMEOUT: '500ms' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
  stack.recurrente.setFaults(NO_FAULTS);
  stack.postmark.setFaults(NO_FAULTS);
});

/** Asks for a checkout until one is answered, a second apart (as a client honouring Retry-After would, sooner). */
async function purchaseUntilAnswered(claimant: { email: string; name: string }): Promise<{ checkoutUrl: string }> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const res = await purchase(stack, 'plumber-joe', claimant);
    if (res.statusCode !== 503) {
      expect(res.statusCode, res.body).toBe(200);
      return { checkoutUrl: res.json<{ checkout_url: string }>().checkout_url };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('no checkout after 60 tries');
}

describe('a claim while the payment provider and Postmark fail', () => {
  it('answers 503 with Retry-After while the provider cannot open the checkout, then the same one checkout', async () => {
    stack.recurrente.setFaults({ errorRate: 1 });
    const refused = await purchase(stack, 'plumber-joe', ana);
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^[0-9]+$/);
    expect(refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(stack.recurrente.faults().injected.errors).toBeGreaterThan(0);

    stack.recurrente.setFaults({ errorRate: 0 });
    const { checkoutUrl } = await purchaseUntilAnswered(ana);
    expect(stack.recurrente.checkouts().map((c) => c.url)).toEqual([checkoutUrl]);
  }, 120_000);

  it('completes a purchase once when provider and Postmark calls fail, time out or answer after the client gave up', async () => {
    // With this seed the first call to each is done but answered late, the next fails with a 5xx.
    const faults = { errorRate: 0.3, timeoutRate: 0.1, lateRate: 0.2, holdMs: HOLD_MS, seed: 6 };
    const lateBefore = [stack.recurrente.setFaults(faults).injected.late, stack.postmark.setFaults(faults).injected.late];
    const checkoutsBefore = stack.recurrente.checkouts().length;
    const refundsBefore = stack.recurrente.refunds().length;
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const { checkoutUrl } = await purchaseUntilAnswered(ana);
    expect(await pressCheckoutButton(checkoutUrl, 'pay')).toBe(303);

    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed', refunds: 0 });
    await eventually(async () => (await purchaseCounts(stack)).emails, (sent) => sent === 2, 60_000);
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
    expect(stack.recurrente.checkouts().length - checkoutsBefore).toBe(1);
    expect(stack.recurrente.refunds().length - refundsBefore).toBe(0);
    const lateAfter = [stack.recurrente.faults().injected.late, stack.postmark.faults().injected.late];
    expect(lateAfter.map((late, i) => late - (lateBefore[i] ?? 0)).every((n) => n > 0)).toBe(true);
  }, 180_000);

  it('refunds a payment that does not match exactly once, though the refund is answered only after the client gave up', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const cheap = await fetch(`${stack.recurrente.apiUrl}/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-PUBLIC-KEY': stack.config.recurrente.publicKey, 'X-SECRET-KEY': stack.config.recurrente.secretKey },
      body: JSON.stringify({
        items: [{ name: 'Website', currency: 'USD', amount_in_cents: 100, quantity: 1 }],
        success_url: `${stack.baseUrl}/sites/plumber-joe?claimed=1`,
        cancel_url: `${stack.baseUrl}/sites/plumber-joe`,
        metadata: { purpose: 'claim', site_id: siteId, slug: 'plumber-joe', claim_email: 'cheap@example.com', claim_name: 'Cheap Skate' },
      }),
    });
    const { checkout_url: checkoutUrl } = (await cheap.json()) as { checkout_url: string };
    // With this seed the payment check is answered late once, and so is the refund: done, but answered after the
    // client gave up. Its retry must not refund again.
    const lateBefore = stack.recurrente.setFaults({ lateRate: 0.5, errorRate: 0.3, holdMs: HOLD_MS, seed: 10 }).injected.late;
    expect(await pressCheckoutButton(checkoutUrl, 'pay')).toBe(303);

    await eventually(() => stack.api.orm.em.fork().find(ProcessedPayment, {}), (rows) => rows[0]?.outcome === 'refunded', 120_000);
    const [payment, ...others] = await stack.api.orm.em.fork().find(Payment, {});
    expect(others).toEqual([]);
    expect(payment).toMatchObject({ amountCents: 100, status: 'refunded' });
    expect(stack.recurrente.refunds().filter((r) => r.paymentIntentId === payment?.providerPaymentId)).toHaveLength(1);
    expect((await stack.api.orm.em.fork().find(OperatorCase, {})).map((c) => c.kind)).toEqual(['payment_mismatch']);
    expect(stack.recurrente.faults().injected.late - lateBefore).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
