/**
 * Subscription throughput: N subscription workflows (default 1 000) driven through P billing periods (default 12,
 * a year of 30-day periods) on the Temporal time-skipping test server, with in-memory activities (the database,
 * the provider and email are mocked: this measures the workflow side: signals, timers, continue-as-new per
 * period). Each workflow is activated by a payment signal; for each period the clock is skipped to a day before
 * the period ends and every site's renewal payment is signalled, which starts the next period in a new run.
 * Prints wall time, workflows/s and periods/s, and the peak RSS of this process (worker + client + bundle).
 *
 * Usage (needs the time-skipping server: `bash dev/install-temporal.sh`; no database, no dev server):
 *   npx tsx bench/subscriptions.ts [workflows=1000] [periods=12]
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { SendEmailInput, SendEmailResult } from '../activities/email.js';
import type { SubscriptionSite, SubscriptionSnapshot } from '../activities/subscriptions.js';
import { temporalTestServerPath } from '../dev/temporal-binaries.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { subscriptionPaymentSucceededSignal, type SubscriptionSettings } from '../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../workflows/subscription/workflow.js';

const DAY = 86_400_000;
const SIGNAL_CONCURRENCY = 64;
/** `temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD`. */
const KEYWORD = 2;

const workflows = Number(process.argv[2] ?? 1000);
const periods = Number(process.argv[3] ?? 12);
if (!Number.isInteger(workflows) || workflows < 1 || !Number.isInteger(periods) || periods < 1) {
  throw new Error('usage: npx tsx bench/subscriptions.ts [workflows=1000] [periods=12]');
}

const settings: SubscriptionSettings = { billingPeriodMs: 30 * DAY, gracePeriodMs: 7 * DAY, renewalSlackMs: 2 * DAY, checkoutExpiryMs: DAY, publicBaseUrl: 'http://bench.test' };
const counts = { loads: 0, saves: 0, payments: 0, emails: 0 };
const pending: SubscriptionSnapshot = { status: 'pending_activation', providerSubscriptionId: null, periodStart: null, periodEnd: null, graceEndsAt: null, cancelAtPeriodEnd: false, cancelledAt: null };

const activities = {
  loadSubscriptionSite: async (siteId: string): Promise<SubscriptionSite> => {
    counts.loads += 1;
    return { siteId, slug: `bench-${siteId.slice(0, 8)}`, title: 'Bench Site', amountCents: 9500, currency: 'USD', owner: { customerId: 'bench', email: 'bench@example.com', name: 'Bench Owner' }, stored: pending };
  },
  recordSubscriptionPayment: async (input: { providerPaymentId: string }) => {
    counts.payments += 1;
    return { paymentId: input.providerPaymentId };
  },
  saveSubscriptionState: async () => {
    counts.saves += 1;
  },
  sendEmail: async (input: SendEmailInput): Promise<SendEmailResult> => {
    counts.emails += 1;
    return { status: 'sent', messageId: input.idempotencyKey };
  },
};

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > 600_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
await env.connection.operatorService.addSearchAttributes({
  namespace: 'default',
  searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, KEYWORD])),
});
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
const taskQueue = `bench-${randomUUID()}`;
const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { code }, activities });
const running = worker.run();
const client = env.client;
const sites = Array.from({ length: workflows }, () => randomUUID());

const pay = (siteId: string) =>
  client.workflow.signalWithStart(subscriptionWorkflow, {
    workflowId: workflowIds.subscription(siteId),
    taskQueue,
    args: [{ siteId, settings }],
    signal: subscriptionPaymentSucceededSignal,
    signalArgs: [{ eventId: randomUUID(), paymentIntentId: `pa_${randomUUID()}`, subscriptionId: `su_${siteId}`, checkoutId: null, amountCents: 9500, currency: 'USD', paidAt: new Date().toISOString() }],
  });

const idleRss = process.memoryUsage.rss();
// maxRSS covers the whole process life, bundling included; sampling shows what the worker holds while it runs.
let sampledPeakRss = 0;
const sampler = setInterval(() => (sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage.rss())), 250);
const periodSeconds: number[] = [];
const started = performance.now();
await inParallel(sites, pay);
await waitFor('activations', () => counts.saves >= workflows);
let periodEnd = (await env.currentTimeMs()) + settings.billingPeriodMs;
for (let period = 1; period <= periods; period += 1) {
  const periodStarted = performance.now();
  await env.sleep(periodEnd - DAY - (await env.currentTimeMs()));
  await inParallel(sites, pay);
  await waitFor(`renewal ${period}`, () => counts.saves >= workflows * (period + 1));
  periodEnd += settings.billingPeriodMs;
  periodSeconds.push((performance.now() - periodStarted) / 1000);
  process.stdout.write(`\rperiod ${period}/${periods} renewed (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
// Every renewal continued its workflow as new; wait until each new run has started.
await waitFor('last runs', () => counts.loads >= workflows * (periods + 2));
const wallMs = performance.now() - started;
clearInterval(sampler);
const maxRssMb = process.resourceUsage().maxRSS / 1024;

console.log(`\n${workflows} subscription workflows × ${periods} periods on the time-skipping server (mocked activities)`);
console.log(`  wall time          ${(wallMs / 1000).toFixed(1)} s`);
console.log(`  workflows/s        ${(workflows / (wallMs / 1000)).toFixed(1)}  (each through ${periods} periods)`);
console.log(`  periods/s          ${((workflows * periods) / (wallMs / 1000)).toFixed(1)}  (one workflow run each, continue-as-new)`);
console.log(`  renewal round      ${periodSeconds[0]!.toFixed(1)} s first, ${periodSeconds.at(-1)!.toFixed(1)} s last  (all ${workflows} workflows renewed once)`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log(`  worker peak RSS    ${mb(sampledPeakRss)} while running (${mb(idleRss)} with the worker started and idle); ${maxRssMb.toFixed(0)} MB process maxRSS, bundling included`);
console.log(`  activity calls     ${JSON.stringify(counts)}`);

worker.shutdown();
await running;
await env.teardown();
