import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowIds } from '../../lib/workflow-ids.js';
import { subscriptionPaymentSucceededSignal, subscriptionStatusQuery, type SubscriptionView } from '../../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../../workflows/subscription/workflow.js';
import { DAY, FakeBilling, HOUR, SETTINGS } from '../helpers/fake-billing.js';
import { recordHistory } from '../helpers/record-history.js';
import { createTimeSkippingEnv } from '../helpers/time-skipping.js';
import { waitUntilIdle } from '../helpers/idle-run.js';
import { eventually } from '../helpers/eventually.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let billing: FakeBilling;
const taskQueue = `subscription-money-${randomUUID()}`;
const ACTIVATION = { ...SETTINGS, activationDeadlineMs: 14 * DAY, activationRemindersMs: [7 * DAY, 13 * DAY] };

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  billing = new FakeBilling();
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: billing.activities() });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const handle = (siteId: string) => env.client.workflow.getHandle(workflowIds.subscription(siteId));
const now = () => env.currentTimeMs();

const idle = (siteId: string) => waitUntilIdle(handle(siteId));

function until(siteId: string, check: (v: SubscriptionView) => boolean): Promise<SubscriptionView> {
  return eventually(async () => {
    await idle(siteId);
    return handle(siteId).query(subscriptionStatusQuery);
  }, check);
}

async function skipTo(at: number) {
  const ms = at - (await now());
  if (ms > 0) await env.sleep(ms);
}

async function paid(siteId: string, subscriptionId: string, paymentIntentId = `pa_${randomUUID()}`) {
  await env.client.workflow.signalWithStart(subscriptionWorkflow, {
    workflowId: workflowIds.subscription(siteId),
    taskQueue,
    args: [{ siteId, settings: ACTIVATION }],
    signal: subscriptionPaymentSucceededSignal,
    signalArgs: [{ eventId: `msg_${randomUUID()}`, paymentIntentId, subscriptionId, checkoutId: null, amountCents: 9500, currency: 'USD', paidAt: new Date(await now()).toISOString() }],
  });
  return paymentIntentId;
}

describe('owners who never activate', () => {
  it('reminds on day 7 and day 13, suspends on day 14, and activating restores the site', async () => {
    const purchasedAt = await now();
    const siteId = billing.addSite(undefined, 'Plumber Joe', new Date(purchasedAt).toISOString());
    await env.client.workflow.start(subscriptionWorkflow, { workflowId: workflowIds.subscription(siteId), taskQueue, args: [{ siteId, settings: ACTIVATION }] });
    await until(siteId, (v) => v.status === 'pending_activation');

    await skipTo(purchasedAt + 7 * DAY + HOUR);
    await until(siteId, () => billing.emailsOf(siteId).length === 1);
    expect(billing.emailsOf(siteId)).toEqual(['activation_reminder']);
    await skipTo(purchasedAt + 13 * DAY + HOUR);
    await until(siteId, () => billing.emailsOf(siteId).length === 2);
    expect((await handle(siteId).query(subscriptionStatusQuery)).status).toBe('pending_activation');

    await skipTo(purchasedAt + 14 * DAY + HOUR);
    await until(siteId, (v) => v.status === 'suspended');
    expect(billing.statusesOf(siteId)).toEqual(['suspended']);
    expect(billing.emailsOf(siteId)).toEqual(['activation_reminder', 'activation_reminder', 'site_suspended']);

    await paid(siteId, `su_${randomUUID().slice(0, 8)}`);
    const active = await until(siteId, (v) => v.status === 'active');
    expect(active.periodsPaid).toBe(1);
    expect(billing.statusesOf(siteId)).toEqual(['suspended', 'active']);
    await recordHistory(handle(siteId), 'subscription-activation-deadline-suspended-restored');
  });

  it('never suspends an owner who activates in time', async () => {
    const purchasedAt = await now();
    const siteId = billing.addSite(undefined, 'Roofer Bob', new Date(purchasedAt).toISOString());
    await env.client.workflow.start(subscriptionWorkflow, { workflowId: workflowIds.subscription(siteId), taskQueue, args: [{ siteId, settings: ACTIVATION }] });
    await skipTo(purchasedAt + 3 * DAY);
    await paid(siteId, `su_${randomUUID().slice(0, 8)}`);
    await until(siteId, (v) => v.status === 'active');
    await skipTo(purchasedAt + 15 * DAY);
    await until(siteId, (v) => v.status === 'active');
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated']);
  });
});

describe('subscription payments are confirmed with the provider', () => {
  it('renews nothing for a forged payment and raises an operator case', async () => {
    const siteId = billing.addSite();
    const subscriptionId = `su_${randomUUID().slice(0, 8)}`;
    await paid(siteId, subscriptionId);
    const first = await until(siteId, (v) => v.periodsPaid === 1);

    billing.verdicts.set('pa_forged_renewal', { verdict: 'unverified', reason: 'the provider shows the subscription as "past_due"' });
    await paid(siteId, subscriptionId, 'pa_forged_renewal');
    await until(siteId, () => billing.cases.some((c) => c.payload.paymentIntentId === 'pa_forged_renewal'));
    const after = await until(siteId, () => true);
    expect(after).toMatchObject({ periodsPaid: 1, periodEnd: first.periodEnd });
    expect(billing.cases.find((c) => c.payload.paymentIntentId === 'pa_forged_renewal')).toMatchObject({ kind: 'payment_unverified', siteId });
  });

  it('refunds a charge of another amount and raises it, without renewing', async () => {
    const siteId = billing.addSite();
    const subscriptionId = `su_${randomUUID().slice(0, 8)}`;
    await paid(siteId, subscriptionId);
    await until(siteId, (v) => v.periodsPaid === 1);

    billing.verdicts.set('pa_wrong_amount', { verdict: 'mismatch', reason: 'the subscription charges 100 USD, the plan is 9500 USD' });
    await paid(siteId, subscriptionId, 'pa_wrong_amount');
    await until(siteId, () => billing.refunds.some((r) => r.paymentIntentId === 'pa_wrong_amount'));
    expect((await until(siteId, () => true)).periodsPaid).toBe(1);
    expect(billing.cases.find((c) => c.payload.paymentIntentId === 'pa_wrong_amount')?.kind).toBe('payment_mismatch');
    expect(billing.decisions.get('pa_wrong_amount')?.outcome).toBe('refunded');
  });
});
