import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, OperatorCase, Payment, ProcessedPayment, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimStateQuery, claimPaymentSucceededSignal } from '../../workflows/claim/contract.js';
import { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { claimResult, openCheckout, pressCheckoutButton, purchase, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { recordHistory } from '../helpers/record-history.js';
import { eventually } from '../helpers/eventually.js';

let stack: TestStack;
const ana = { email: 'ana@example.com', name: 'Ana Owner' };

beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_EXPIRY: '8s', TEMPORAL_RPC_TIMEOUT: '15s' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
  stack.recurrente.setDeliveryMode({});
});

/** Calls the simulated provider's REST API as a merchant would. */
async function providerApi<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.recurrente.apiUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'X-PUBLIC-KEY': stack.config.recurrente.publicKey,
      'X-SECRET-KEY': stack.config.recurrente.secretKey,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Opens a claim checkout at the provider directly (not through the workflow), e.g. for another amount. */
async function directClaimCheckout(siteId: string, amountCents: number, claimant: { email: string; name: string }): Promise<{ id: string; checkout_url: string }> {
  const res = await providerApi<{ id: string; checkout_url: string }>('POST', '/checkouts', {
    items: [{ name: 'Website', currency: 'USD', amount_in_cents: amountCents, quantity: 1 }],
    success_url: `${stack.baseUrl}/sites/plumber-joe?claimed=1`,
    cancel_url: `${stack.baseUrl}/sites/plumber-joe`,
    metadata: { purpose: 'claim', site_id: siteId, slug: 'plumber-joe', claim_email: claimant.email, claim_name: claimant.name },
  });
  expect(res.status).toBe(201);
  return res.body;
}

const cases = () => stack.api.orm.em.fork().find(OperatorCase, {}, { orderBy: { createdAt: 'asc' } });
const owners = (siteId: string) => stack.api.orm.em.fork().find(CustomerSiteOwnership, { site: siteId }, { populate: ['customer'] });

describe('a claim confirms money with the provider', () => {
  it('grants nothing for a forged "paid" signal, raises an operator case, and still completes the real payment', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const checkoutUrl = await openCheckout(stack, 'plumber-joe', ana);
    const checkout = stack.recurrente.checkouts().find((c) => c.url === checkoutUrl)!;
    const handle = stack.api.temporal.workflow.getHandle(workflowIds.claim(siteId));
    await handle.signal(claimPaymentSucceededSignal, {
      eventId: 'evt_forged', paymentIntentId: 'pa_forged', checkoutId: checkout.id, amountCents: 49500, currency: 'USD',
      paidAt: new Date().toISOString(), claimant: { email: 'mallory@example.com', name: 'Mallory' },
    });

    const [raised] = await eventually(cases, (rows) => rows.length === 1);
    expect(raised).toMatchObject({ kind: 'payment_unverified', workflowId: workflowIds.claim(siteId), resolvedAt: null });
    expect(raised?.site?.id).toBe(siteId);
    expect(await eventually(() => handle.query(claimStateQuery), (state) => state.status !== 'processing_payment')).toMatchObject({ status: 'awaiting_payment', claimantEmail: ana.email });
    expect(await owners(siteId)).toEqual([]);
    expect(await stack.api.orm.em.fork().count(Payment)).toBe(0);
    expect((await stack.api.orm.em.fork().findOneOrFail(Site, siteId)).status).toBe('preview');

    expect(await pressCheckoutButton(checkoutUrl, 'pay')).toBe(303);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect((await owners(siteId)).map((o) => o.customer.email)).toEqual([ana.email]);
    await recordHistory(handle, 'claim-forged-signal-then-paid');
  });

  it('refunds a payment of another amount and raises it to operators, granting nothing', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const cheap = await directClaimCheckout(siteId, 100, { email: 'cheap@example.com', name: 'Cheap Skate' });
    expect(await pressCheckoutButton(cheap.checkout_url, 'pay')).toBe(303);

    await eventually(() => stack.api.orm.em.fork().find(ProcessedPayment, {}), (rows) => rows[0]?.outcome === 'refunded');
    const payments = await stack.api.orm.em.fork().find(Payment, {});
    expect(payments.map((p) => [p.amountCents, p.status])).toEqual([[100, 'refunded']]);
    expect((await cases()).map((c) => c.kind)).toEqual(['payment_mismatch']);
    expect(await owners(siteId)).toEqual([]);
  });

  it('refunds a payment made on another checkout while the claimant has one open, and the claimant still buys', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const anasCheckout = await openCheckout(stack, 'plumber-joe', ana);
    const other = await directClaimCheckout(siteId, 49500, { email: 'sneaky@example.com', name: 'Sneaky' });
    expect(await pressCheckoutButton(other.checkout_url, 'pay')).toBe(303);
    await eventually(cases, (rows) => rows.some((c) => c.kind === 'payment_mismatch'));
    await eventually(() => stack.api.orm.em.fork().find(Payment, {}), (rows) => rows[0]?.status === 'refunded');
    expect(await owners(siteId)).toEqual([]);

    expect(await pressCheckoutButton(anasCheckout, 'pay')).toBe(303);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect((await owners(siteId)).map((o) => o.customer.email)).toEqual([ana.email]);
  });

  it('keeps going when the provider refuses a refund (already refunded), raising the case', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    expect(await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', ana), 'pay')).toBe(303);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });

    // A second buyer pays on a stale checkout; their webhook is held while someone refunds it at the provider by hand.
    stack.recurrente.setDeliveryMode({ reorder: true });
    const late = await directClaimCheckout(siteId, 49500, { email: 'late@example.com', name: 'Late Buyer' });
    expect(await pressCheckoutButton(late.checkout_url, 'pay')).toBe(303);
    const paymentIntentId = stack.recurrente.checkouts().find((c) => c.id === late.id)!.paymentIntentId!;
    expect((await providerApi('POST', '/refunds', { payment_intent_id: paymentIntentId })).status).toBe(200);
    stack.recurrente.setDeliveryMode({});

    const refused = await eventually(cases, (rows) => rows.some((c) => c.kind === 'refund_refused'));
    expect(refused.find((c) => c.kind === 'refund_refused')?.reason).toContain(paymentIntentId);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'refunded', refunds: 0 });
    const processed = await stack.api.orm.em.fork().findOneOrFail(ProcessedPayment, { providerPaymentId: paymentIntentId });
    expect(processed.outcome).toBe('parked');
    expect((await owners(siteId)).map((o) => o.customer.email)).toEqual([ana.email]);
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.claim(siteId)), 'claim-late-payment-refund-refused');
  });
});

describe('a payment that finds no claim running', () => {
  it('starts the claim from the webhook, grants the site and starts its subscription like a purchase would', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    // A checkout paid after its claim ended: the webhook starts a new claim run, which verifies it with the provider.
    const checkout = await directClaimCheckout(siteId, 49500, ana);
    expect(await pressCheckoutButton(checkout.checkout_url, 'pay')).toBe(303);
    const owned = await eventually(() => owners(siteId), (rows) => rows.length > 0);
    expect(owned.map((o) => o.customer.email)).toEqual([ana.email]);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    const subscription = await eventually(
      () => stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId)).describe().then((d) => d.status.name, () => null),
      (status) => status === 'RUNNING',
    );
    expect(subscription).toBe('RUNNING');
  });
});

describe('a purchase when Temporal cannot answer', () => {
  it('answers a fast 503 with Retry-After when no worker runs, and the claim still expires on its own once one does', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const otherId = await siteIdOf(stack, 'roofer-bob');
    await stack.worker.stop();
    try {
      const res = await purchase(stack, 'plumber-joe', ana);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ error: 'temporarily_unavailable' });

      // A claim whose first task has not run yet (its worker died): a purchase for it also gets a 503, not a 500.
      await stack.api.temporal.workflow.start(claimSiteWorkflow, {
        workflowId: workflowIds.claim(otherId),
        taskQueue: stack.config.temporal.taskQueue,
        args: [{ siteId: otherId, checkoutExpiryMs: 8000, publicBaseUrl: stack.config.publicBaseUrl }],
      });
      const joined = await purchase(stack, 'roofer-bob', ana);
      expect(joined.statusCode, joined.body).toBe(503);
    } finally {
      await stack.restartWorker();
    }
    // No orphan: both runs end by their expiry timer.
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'expired' });
    expect(await claimResult(stack, otherId)).toMatchObject({ status: 'expired' });
  });

  it('answers a 503 with Retry-After while the claim\'s workflow task keeps failing, and serves the purchase once it runs again', async () => {
    const siteId = await siteIdOf(stack, 'la-plumbing-pros');
    const { namespace, taskQueue } = stack.config.temporal;
    const service = stack.api.temporal.workflowService;
    await stack.worker.stop();
    try {
      await stack.api.temporal.workflow.start(claimSiteWorkflow, {
        workflowId: workflowIds.claim(siteId),
        taskQueue,
        args: [{ siteId, checkoutExpiryMs: 8000, publicBaseUrl: stack.config.publicBaseUrl }],
      });
      // Workers that die holding the claim's task: with its third attempt pending, Temporal refuses updates (WorkflowNotReady).
      for (const attempt of [1, 2]) {
        const task = await stack.api.temporal.withDeadline(Date.now() + 60_000, () =>
          service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'crashing-worker' }));
        expect(task.attempt).toBe(attempt);
        await service.respondWorkflowTaskFailed({
          namespace, taskToken: task.taskToken, identity: 'crashing-worker',
          cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
          failure: { message: 'worker crashed' },
        });
      }
      const res = await purchase(stack, 'la-plumbing-pros', ana);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await stack.restartWorker();
    }
    // The third attempt runs on the restarted worker; the claim takes updates again and still ends by its expiry timer.
    const res = await eventually(() => purchase(stack, 'la-plumbing-pros', ana), (r) => r.statusCode !== 503, 60_000);
    expect(res.statusCode, res.body).toBe(200);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'expired' });
  });
});
