import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  cancelSubscriptionUpdate,
  subscriptionPaymentFailedSignal,
  subscriptionPaymentSucceededSignal,
  providerCancelledSignal,
  subscriptionPeriodKey,
  subscriptionStatusQuery,
  undoCancellationUpdate,
  type SubscriptionView,
} from '../../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../../workflows/subscription/workflow.js';
import { recordHistory } from '../helpers/record-history.js';
import { createTimeSkippingEnv } from '../helpers/time-skipping.js';
import { DAY, FakeBilling, HOUR, SETTINGS } from '../helpers/fake-billing.js';
import { waitUntilIdle } from '../helpers/idle-run.js';
import { eventually } from '../helpers/eventually.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let billing: FakeBilling;
const taskQueue = `subscriptions-${randomUUID()}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  billing = new FakeBilling();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: billing.activities(),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});
beforeEach(() => {
  billing.saved.length = 0;
  billing.emails.length = 0;
  billing.providerCancels.length = 0;
  billing.refunds.length = 0;
});

const handle = (siteId: string) => env.client.workflow.getHandle(workflowIds.subscription(siteId));
const view = async (siteId: string) => {
  await idle(siteId);
  return handle(siteId).query(subscriptionStatusQuery);
};
const now = () => env.currentTimeMs();


const idle = (siteId: string) => waitUntilIdle(handle(siteId));

/** Polls the status query (on an idle run) until it satisfies the check; activities run in real time between skips. */
function until(siteId: string, check: (v: SubscriptionView) => boolean): Promise<SubscriptionView> {
  return eventually(() => view(siteId), check);
}

/** A provider payment event for the site's subscription, delivered as the webhook would (signal-with-start). */
async function paid(siteId: string, subscriptionId: string, paymentIntentId = `pa_${randomUUID()}`, eventId = `msg_${randomUUID()}`) {
  await env.client.workflow.signalWithStart(subscriptionWorkflow, {
    workflowId: workflowIds.subscription(siteId),
    taskQueue,
    args: [{ siteId, settings: SETTINGS }],
    signal: subscriptionPaymentSucceededSignal,
    signalArgs: [{ eventId, paymentIntentId, subscriptionId, checkoutId: null, amountCents: 9500, currency: 'USD', paidAt: new Date(await now()).toISOString() }],
  });
  return paymentIntentId;
}

/** A provider failure event for the site's subscription; `failedAt` (epoch ms) defaults to the server's time. */
async function failed(siteId: string, subscriptionId: string, paymentIntentId = `pa_${randomUUID()}`, failedAt?: number) {
  await handle(siteId).signal(subscriptionPaymentFailedSignal, {
    eventId: `msg_${randomUUID()}`, paymentIntentId, subscriptionId, amountCents: 9500, currency: 'USD', reason: 'card declined', failedAt: new Date(failedAt ?? await now()).toISOString(),
  });
}

/** Activates a new site's subscription and returns the site id, its provider subscription id and the first period. */
async function activeSite(owner?: Parameters<FakeBilling['addSite']>[0]) {
  const siteId = billing.addSite(owner);
  const subscriptionId = `su_${randomUUID().slice(0, 8)}`;
  await paid(siteId, subscriptionId);
  const first = await until(siteId, (v) => v.periodsPaid === 1);
  return { siteId, subscriptionId, first };
}

/** Skips the test server's clock to `at` (epoch ms), firing every timer due before it. */
async function skipTo(at: number) {
  const ms = at - (await now());
  if (ms > 0) await env.sleep(ms);
}

describe('subscriptionWorkflow (time-skipping)', () => {
  it('runs a year of on-time payments: 12 renewals, 12 extensions, one run per period', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    const activatedAt = Date.parse(first.periodStart!);
    expect(first).toMatchObject({ status: 'active', nextBillingDate: first.periodEnd, providerSubscriptionId: subscriptionId });
    expect(Date.parse(first.periodEnd!) - activatedAt).toBe(30 * DAY);

    let current = first;
    for (let renewal = 1; renewal <= 12; renewal += 1) {
      // The provider charges a day before our period ends (its months are calendar months).
      await skipTo(Date.parse(current.periodEnd!) - DAY);
      await paid(siteId, subscriptionId);
      const next = await until(siteId, (v) => v.periodsPaid === renewal + 1);
      expect(next.periodStart).toBe(current.periodEnd);
      current = next;
    }
    expect(current.status).toBe('active');
    expect(Date.parse(current.periodEnd!) - activatedAt).toBe(13 * 30 * DAY);
    expect(billing.statusesOf(siteId)).toEqual(['active']);
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated']);
    expect(billing.payments.filter((p) => p.siteId === siteId)).toHaveLength(13);

    // Each renewal continued the workflow as new, so the current run's history holds one period only.
    const history = await handle(siteId).fetchHistory();
    expect(history.events?.length).toBeLessThan(40);
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  });

  it('applies the same renewal once, whether redelivered with the same event id or as another event for the same payment', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await skipTo(Date.parse(first.periodEnd!) - HOUR);
    const paymentIntentId = await paid(siteId, subscriptionId, 'pa_renewal', 'msg_renewal');
    await until(siteId, (v) => v.periodsPaid === 2);
    await paid(siteId, subscriptionId, paymentIntentId, 'msg_renewal');
    await paid(siteId, subscriptionId, paymentIntentId, 'msg_other_family');
    await env.sleep(HOUR);
    const after = await view(siteId);
    expect(after.periodsPaid).toBe(2);
    expect(Date.parse(after.periodEnd!) - Date.parse(first.periodEnd!)).toBe(30 * DAY);
  });

  it('fails, is paid on day 3 of grace, and is active again without ever being suspended', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await skipTo(Date.parse(first.periodEnd!));
    const failedAt = await now();
    await failed(siteId, subscriptionId);
    const pastDue = await until(siteId, (v) => v.status === 'past_due');
    expect(Date.parse(pastDue.graceEndsAt!) - failedAt).toBeGreaterThanOrEqual(7 * DAY - 1000);
    expect(Date.parse(pastDue.graceEndsAt!) - failedAt).toBeLessThanOrEqual(7 * DAY + 1000);
    expect(pastDue.nextBillingDate).toBeNull();

    // The provider retries on day 3 and the charge goes through.
    await skipTo(failedAt + 3 * DAY);
    await paid(siteId, subscriptionId);
    const restored = await until(siteId, (v) => v.periodsPaid === 2);
    expect(restored).toMatchObject({ status: 'active', graceEndsAt: null, periodStart: first.periodEnd });

    await skipTo(failedAt + 10 * DAY);
    expect((await view(siteId)).status).toBe('active');
    expect(billing.statusesOf(siteId)).toEqual(['active', 'past_due', 'active']);
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated', 'payment_failed', 'subscription_activated']);
    const failure = billing.emails.find((e) => e.template === 'payment_failed' && e.idempotencyKey.includes(siteId));
    expect(failure?.model).toMatchObject({ graceEndsAt: pastDue.graceEndsAt, amount: '$95' });
  });

  it('ignores a failed attempt delivered after the retry that paid the period: renewed once, no grace period', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    const periodEnd = Date.parse(first.periodEnd!);
    // The charge at the period end is declined and the provider's retry a day later goes through; the decline is
    // delivered after the retry (both event families for it), and the retry is delivered again.
    await skipTo(periodEnd + DAY);
    const retry = await paid(siteId, subscriptionId);
    await until(siteId, (v) => v.periodsPaid === 2);
    await failed(siteId, subscriptionId, 'pa_declined_attempt', periodEnd);
    await failed(siteId, subscriptionId, 'pa_declined_attempt', periodEnd);
    await paid(siteId, subscriptionId, retry);
    await env.sleep(HOUR);

    const after = await view(siteId);
    expect(after).toMatchObject({ status: 'active', periodsPaid: 2, graceEndsAt: null, lastPaymentFailure: null });
    expect(Date.parse(after.periodEnd!) - Date.parse(after.periodStart!)).toBe(30 * DAY);
    expect(billing.statusesOf(siteId)).toEqual(['active']);
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated']);
    expect(billing.payments.filter((p) => p.siteId === siteId).map((p) => p.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    await recordHistory(handle(siteId), 'subscription-late-failure-ignored');
  });

  it('fails, gets no payment, is suspended on day 7, and a payment restores it', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await skipTo(Date.parse(first.periodEnd!) - HOUR);
    const failedAt = await now();
    await failed(siteId, subscriptionId, 'pa_first_failure');
    await until(siteId, (v) => v.status === 'past_due');
    // The provider's own retries fail too: no second email, the grace deadline does not move.
    await skipTo(failedAt + 3 * DAY);
    await failed(siteId, subscriptionId);
    await skipTo(failedAt + 7 * DAY - HOUR);
    expect((await view(siteId)).status).toBe('past_due');

    await skipTo(failedAt + 7 * DAY + HOUR);
    const suspended = await until(siteId, (v) => v.status === 'suspended');
    expect(suspended.graceEndsAt).toBeNull();
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated', 'payment_failed', 'site_suspended']);

    // The owner pays a reactivation checkout: a new provider subscription replaces the old one.
    const restartedAt = await now();
    await paid(siteId, 'su_replacement');
    const restored = await until(siteId, (v) => v.status === 'active');
    expect(restored.providerSubscriptionId).toBe('su_replacement');
    expect(Math.abs(Date.parse(restored.periodStart!) - restartedAt)).toBeLessThan(60_000);
    expect(billing.providerCancels).toEqual([{ subscriptionId, idempotencyKey: `${subscriptionPeriodKey(siteId, restored.periodStart)}:replace` }]);
    expect(billing.statusesOf(siteId)).toEqual(['active', 'past_due', 'suspended', 'active']);
    expect(billing.payments.filter((p) => p.siteId === siteId).map((p) => p.status)).toEqual(['succeeded', 'failed', 'failed', 'succeeded']);
  });

  it('treats a renewal that never arrives by period end + slack as failed', async () => {
    const { siteId, first } = await activeSite();
    const periodEnd = Date.parse(first.periodEnd!);
    await skipTo(periodEnd + 2 * DAY - HOUR);
    expect((await view(siteId)).status).toBe('active');
    await skipTo(periodEnd + 2 * DAY + HOUR);
    const pastDue = await until(siteId, (v) => v.status === 'past_due');
    expect(Math.abs(Date.parse(pastDue.graceEndsAt!) - (periodEnd + 2 * DAY + 7 * DAY))).toBeLessThan(60_000);
    expect(pastDue.lastPaymentFailure).toMatch(/no renewal payment/i);
    await skipTo(periodEnd + 9 * DAY + HOUR);
    await until(siteId, (v) => v.status === 'suspended');
  });

  it('cancels at period end: stays active until then, then stops the provider and ends', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await skipTo(Date.parse(first.periodStart!) + 10 * DAY);
    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: true }] });
    const scheduled = await until(siteId, (v) => v.cancelAtPeriodEnd);
    expect(scheduled).toMatchObject({ status: 'active', nextBillingDate: null, periodEnd: first.periodEnd });
    expect(billing.emails.find((e) => e.template === 'subscription_cancelled' && e.idempotencyKey.includes(siteId))?.model).toMatchObject({ endsAt: first.periodEnd });

    await skipTo(Date.parse(first.periodEnd!) - HOUR);
    expect((await view(siteId)).status).toBe('active');
    expect(billing.providerCancels).toEqual([]);

    await skipTo(Date.parse(first.periodEnd!) + HOUR);
    const ended = await until(siteId, (v) => v.status === 'cancelled');
    expect(ended.cancelledAt).toBe(first.periodEnd);
    expect(billing.providerCancels).toEqual([{ subscriptionId, idempotencyKey: `${subscriptionPeriodKey(siteId, first.periodStart)}:cancel` }]);
    expect(billing.statusesOf(siteId)).toEqual(['active', 'cancelled']);
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated', 'subscription_cancelled']);
  });

  it('takes back a cancellation before the period ends, renews as usual, and restarts after an immediate cancel', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: true }] });
    await until(siteId, (v) => v.cancelAtPeriodEnd);
    await skipTo(Date.parse(first.periodStart!) + 20 * DAY);
    await handle(siteId).executeUpdate(undoCancellationUpdate);
    const undone = await until(siteId, (v) => !v.cancelAtPeriodEnd);
    expect(undone.nextBillingDate).toBe(first.periodEnd);

    await skipTo(Date.parse(first.periodEnd!) - HOUR);
    await paid(siteId, subscriptionId);
    const renewed = await until(siteId, (v) => v.periodsPaid === 2);
    expect(renewed.status).toBe('active');
    expect(billing.providerCancels).toEqual([]);

    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: false }] });
    const cancelled = await until(siteId, (v) => v.status === 'cancelled');
    expect(billing.providerCancels).toEqual([{ subscriptionId, idempotencyKey: `${subscriptionPeriodKey(siteId, renewed.periodStart)}:cancel` }]);
    expect(Date.parse(cancelled.cancelledAt!)).toBeLessThan(Date.parse(renewed.periodEnd!));

    // Our own cancellation comes back from the provider as an event: nothing changes.
    await handle(siteId).signal(providerCancelledSignal, { eventId: 'msg_cancel_echo', subscriptionId });
    await skipTo(Date.parse(renewed.periodEnd!) + 10 * DAY);
    expect((await view(siteId)).status).toBe('cancelled');

    // A new checkout after the cancellation starts a new subscription.
    await paid(siteId, 'su_second');
    const again = await until(siteId, (v) => v.status === 'active');
    expect(again.providerSubscriptionId).toBe('su_second');
    expect(billing.statusesOf(siteId)).toEqual(['active', 'cancelled', 'active']);
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated', 'subscription_cancelled', 'subscription_activated', 'subscription_ended', 'subscription_activated']);
    // The immediate cancel cut the renewed period short: the email names its end, which is not refunded.
    expect(billing.emails.find((e) => e.template === 'subscription_ended' && e.idempotencyKey.includes(siteId))?.model).toMatchObject({ endedAt: cancelled.cancelledAt, paidUntil: renewed.periodEnd });
  });

  it('tells the owner the site is offline when a scheduled cancellation is turned into an immediate one', async () => {
    const { siteId, first } = await activeSite();
    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: true }] });
    await until(siteId, (v) => v.cancelAtPeriodEnd);
    await skipTo(Date.parse(first.periodStart!) + 10 * DAY);
    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: false }] });
    const ended = await until(siteId, (v) => v.status === 'cancelled');
    // The first email said "online until the period end"; the second says it is offline now, and names the unrefunded days.
    expect(billing.emailsOf(siteId)).toEqual(['subscription_activated', 'subscription_cancelled', 'subscription_ended']);
    expect(billing.emails.find((e) => e.template === 'subscription_ended' && e.idempotencyKey.includes(siteId))?.model).toMatchObject({ endedAt: ended.cancelledAt, paidUntil: first.periodEnd });
    await recordHistory(handle(siteId), 'subscription-scheduled-then-ended-now');
  });

  it('refunds a renewal the provider charged while a cancellation was pending', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await handle(siteId).executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd: true }] });
    await until(siteId, (v) => v.cancelAtPeriodEnd);
    await skipTo(Date.parse(first.periodEnd!) - HOUR);
    const paymentIntentId = await paid(siteId, subscriptionId);
    await skipTo(Date.parse(first.periodEnd!) + HOUR);
    const ended = await until(siteId, (v) => v.status === 'cancelled');
    expect(ended.periodsPaid).toBe(1);
    expect(billing.refunds).toEqual([{ paymentIntentId, idempotencyKey: `refund:${paymentIntentId}` }]);
  });

  it('keeps dunning per site: one owner, two sites, only the failing one is suspended', async () => {
    const owner = { customerId: 'cus_two_sites', email: 'two@example.com', name: 'Two Sites' };
    const a = await activeSite(owner);
    const b = await activeSite(owner);
    await skipTo(Date.parse(a.first.periodEnd!) - DAY);
    await failed(a.siteId, a.subscriptionId);
    await paid(b.siteId, b.subscriptionId);
    await until(a.siteId, (v) => v.status === 'past_due');
    await until(b.siteId, (v) => v.periodsPaid === 2);

    await skipTo(Date.parse(a.first.periodEnd!) + 7 * DAY);
    await until(a.siteId, (v) => v.status === 'suspended');
    expect((await view(b.siteId)).status).toBe('active');
    expect(billing.statusesOf(a.siteId)).toEqual(['active', 'past_due', 'suspended']);
    expect(billing.statusesOf(b.siteId)).toEqual(['active']);
    expect(billing.emailsOf(b.siteId)).toEqual(['subscription_activated']);
  });

  it('keeps the grace period running when the provider gives up, then suspends', async () => {
    const { siteId, subscriptionId, first } = await activeSite();
    await skipTo(Date.parse(first.periodEnd!));
    const failedAt = await now();
    await failed(siteId, subscriptionId);
    await until(siteId, (v) => v.status === 'past_due');
    await skipTo(failedAt + 5 * DAY);
    await handle(siteId).signal(providerCancelledSignal, { eventId: 'msg_provider_gave_up', subscriptionId });
    const gaveUp = await until(siteId, (v) => v.providerSubscriptionEnded);
    expect(gaveUp.status).toBe('past_due');
    // The status did not change, but what the API reads did: it is stored too.
    expect(billing.saved.filter((s) => s.siteId === siteId).at(-1)).toMatchObject({
      snapshot: { status: 'past_due' },
      detail: { providerSubscriptionEnded: true, lastPaymentFailure: 'card declined' },
    });
    await skipTo(failedAt + 7 * DAY + HOUR);
    await until(siteId, (v) => v.status === 'suspended');
    // Nothing to stop at the provider: it already ended the subscription.
    expect(billing.providerCancels).toEqual([]);
  });
});
