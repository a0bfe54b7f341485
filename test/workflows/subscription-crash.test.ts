import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmailMessage } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { resetDatabase } from '../helpers/env.js';
import { decodePayloads } from '../helpers/history.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, billingRows, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';
import type { Activities } from '../helpers/worker.js';

const GRACE_MS = 4_000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ GRACE_PERIOD: `${GRACE_MS}ms` });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});
afterEach(async () => {
  await stack.restartWorker();
  await stopSubscriptionWorkflows(stack);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** An active subscription whose renewal has just failed; returns the site, the provider subscription and the grace deadline. */
async function pastDueSite() {
  const siteId = await buySite(stack, 'plumber-joe', 'ana@example.com');
  const providerId = await activateSubscription(stack, await accessTokenFor(stack, 'ana@example.com'), siteId);
  await stack.recurrente.renewSubscription(providerId, 'failed');
  const { subscription } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'past_due');
  return { siteId, providerId, graceEndsAt: subscription.graceEndsAt!.getTime() };
}

const templates = async (siteId: string) =>
  (await stack.api.orm.em.fork().find(EmailMessage, { idempotencyKey: { $like: `sub:${siteId}:%` }, status: 'sent' }, { orderBy: { createdAt: 'asc' } })).map((e) => e.template);

/** The statuses the workflow wrote, read from the activity inputs in one run's history. */
async function statusesWritten(siteId: string, runId: string): Promise<string[]> {
  const history = await stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId), runId).fetchHistory();
  const inputs = (history.events ?? [])
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'saveSubscriptionState')
    .map((a) => a!.input!.payloads![0]!);
  return (await decodePayloads<{ snapshot: { status: string } }>(stack.api.temporal, inputs)).map((input) => input.snapshot.status);
}

describe('subscription workflow across worker crashes', () => {
  it('stopped while the grace timer runs and restarted before it ends, still suspends at the deadline', async () => {
    const { siteId, graceEndsAt } = await pastDueSite();
    await stack.worker.stop();
    await sleep(graceEndsAt - Date.now() - 1_500);
    expect((await billingRows(stack, siteId)).subscription.status).toBe('past_due');
    await stack.restartWorker();

    const { site } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'suspended', 10_000);
    // Never before the deadline, whatever the worker went through.
    expect(Date.now()).toBeGreaterThanOrEqual(graceEndsAt);
    expect(site.status).toBe('suspended');
    await eventually(() => templates(siteId), (t) => t.includes('site_suspended'));
    expect(await templates(siteId)).toEqual(['subscription_activated', 'payment_failed', 'site_suspended']);
  });

  it('down past the deadline, suspends as soon as a worker is back', async () => {
    const { siteId, graceEndsAt } = await pastDueSite();
    await stack.worker.stop();
    await sleep(graceEndsAt - Date.now() + 1_000);
    // Nobody ran the timer yet: the site is still online.
    expect((await billingRows(stack, siteId)).site.status).toBe('active');
    await stack.restartWorker();
    const { site } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'suspended', 60_000);
    expect(site.status).toBe('suspended');
  });

  it('a payment that arrives while the worker is down restores the subscription, and it is never suspended', async () => {
    const { siteId, providerId, graceEndsAt } = await pastDueSite();
    const { runId } = await stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId)).describe();
    await stack.worker.stop();
    // The provider's retry succeeds; the webhook reaches the API, which signals the workflow (Temporal keeps it).
    await stack.recurrente.renewSubscription(providerId, 'succeeded');
    await stack.recurrente.flush();
    await sleep(graceEndsAt - Date.now() + 1_000);
    await stack.restartWorker();

    const { subscription, site } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'active' && rows.subscription.graceEndsAt === null, 60_000);
    expect(site.status).toBe('active');
    expect(subscription.currentPeriodEnd!.getTime()).toBeGreaterThan(graceEndsAt);
    expect(await statusesWritten(siteId, runId)).toEqual(['past_due', 'active']);
    await eventually(() => templates(siteId), (t) => t.length === 3);
    expect(await templates(siteId)).toEqual(['subscription_activated', 'payment_failed', 'subscription_activated']);
  });

  it('crashed right after the suspension was saved, a new worker sends the suspension email exactly once', async () => {
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    await stack.restartWorker((activities: Activities): Activities => {
      let done = false;
      return {
        ...activities,
        saveSubscriptionState: async (input) => {
          await activities.saveSubscriptionState(input);
          if (!done && input.snapshot.status === 'suspended') {
            done = true;
            crashed();
            throw new Error('worker crashed right after saving the suspension');
          }
        },
      };
    });
    const { siteId } = await pastDueSite();
    await crash;
    await stack.restartWorker();
    await eventually(() => templates(siteId), (t) => t.includes('site_suspended'), 10_000);
    await sleep(500);
    expect(await templates(siteId)).toEqual(['subscription_activated', 'payment_failed', 'site_suspended']);
    expect(stack.postmark.sent().filter((m) => m.Tag === 'site_suspended')).toHaveLength(1);
    expect((await billingRows(stack, siteId)).site.status).toBe('suspended');
  });
});
