import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Business, CustomerSiteOwnership, EmailMessage, OperatorCase, Site } from '../../db/entities/index.js';
import { temporalCliPath } from '../../dev/temporal-binaries.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { pressCheckoutButton, purchase } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import type { FaultCounts } from '../../lib/fault-injection.js';
import { freePort } from '../helpers/ports.js';
import { startWorkerProcess } from '../helpers/spawn-worker.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { eventually } from '../helpers/eventually.js';
import { lostEmailViolations, moneyViolations, refundViolations, replayViolations, workflowsWithoutTimer } from './invariants.js';

// Chaos run (npm run chaos): N purchases through the HTTP API while the worker process is SIGKILLed at random and
// the Temporal server is restarted once; every webhook is delivered 3 times, held and sent shuffled; two claimants
// race for each site, each from an address of their own. The payment provider and Postmark fail under it: 5xx
// answers, requests held past the clients' timeouts, and requests done (checkout created, refund made, message
// accepted) but answered too late; some buyers are suppressed recipients Postmark refuses for good. Afterwards the
// money, refund and lost-email invariants are checked, every open workflow must be waiting on a timer, and every
// history is replayed.

/** The two documented settings (README, "Chaos run"); each can be overridden by its own variable. */
const PROFILES = {
  default: { purchases: 40, killEveryMs: 3000, providerErrorRate: 0.2, providerTimeoutRate: 0.05, postmarkErrorRate: 0.2, postmarkTimeoutRate: 0.05 },
  hard: { purchases: 80, killEveryMs: 1500, providerErrorRate: 0.35, providerTimeoutRate: 0.1, postmarkErrorRate: 0.35, postmarkTimeoutRate: 0.1 },
} as const;
const PROFILE_NAME = process.env.CHAOS_PROFILE ?? 'default';
if (PROFILE_NAME !== 'default' && PROFILE_NAME !== 'hard') throw new Error(`CHAOS_PROFILE must be default or hard, got ${PROFILE_NAME}`);
const PROFILE = PROFILES[PROFILE_NAME];
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PURCHASES = setting('CHAOS_PURCHASES', PROFILE.purchases);
/**
 * Mean time a worker polls before it is killed (each drawn between half and one and a half of it). The clock starts
 * once the worker polls: one killed while still starting holds no task, and killing every worker before it gets
 * there only stops all progress.
 */
const KILL_EVERY_MS = setting('CHAOS_KILL_EVERY_MS', PROFILE.killEveryMs);
/**
 * Share of provider / Postmark API calls answered with a 5xx, and share that time out: half of those held and dropped,
 * half done but answered after the client gave up (for Postmark: accepted, then timed out).
 */
const PROVIDER_ERROR_RATE = setting('CHAOS_PROVIDER_ERROR_RATE', PROFILE.providerErrorRate);
const PROVIDER_TIMEOUT_RATE = setting('CHAOS_PROVIDER_TIMEOUT_RATE', PROFILE.providerTimeoutRate);
const POSTMARK_ERROR_RATE = setting('CHAOS_POSTMARK_ERROR_RATE', PROFILE.postmarkErrorRate);
const POSTMARK_TIMEOUT_RATE = setting('CHAOS_POSTMARK_TIMEOUT_RATE', PROFILE.postmarkTimeoutRate);
const FAULT_SEED = setting('CHAOS_FAULT_SEED', 1);
/** Every this many sites, both claimants are suppressed recipients at Postmark: their purchase emails can never be sent. */
const UNSENDABLE_EVERY = setting('CHAOS_UNSENDABLE_EVERY', 10);
/** The clients give up after this; the fakes hold a timed-out request longer. */
const CLIENT_TIMEOUT = '2s';
/** A loaded machine may take half a minute a purchase (most of it waiting for a restarted worker): ten minutes plus one a purchase. */
const RUN_TIMEOUT_MS = 60_000 * (10 + PURCHASES);
const FAULT_HOLD_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'webmagic-chaos-'));
let port: number;
let server: TestWorkflowEnvironment;
let stack: TestStack;
let worker: ChildProcess | null = null;
/** Settles once the current worker polls its task queue (or has exited). */
let workerPolling: Promise<void> = Promise.resolve();
const figures = {
  purchases: PURCHASES, racingClaimants: 2 * PURCHASES, workerKills: 0, temporalRestarts: 0, purchaseAnswers: {} as Record<number, number>,
  /** The first answer body of each status other than 200 / 409, to tell a fast 503 from a failure. */
  otherAnswers: {} as Record<number, string>,
  webhookDeliveries: 0, webhookRedeliveries: 0, replayedHistories: 0, nondeterminism: null as number | null, replayErrors: [] as string[], seconds: 0,
  profile: PROFILE_NAME,
  faultRates: { providerError: PROVIDER_ERROR_RATE, providerTimeout: PROVIDER_TIMEOUT_RATE, postmarkError: POSTMARK_ERROR_RATE, postmarkTimeout: POSTMARK_TIMEOUT_RATE, seed: FAULT_SEED },
  /** Calls each fake answered and the faults it injected. */
  providerFaults: null as FaultCounts | null, postmarkFaults: null as FaultCounts | null,
  unsendablePurchases: 0, emailsSent: 0, emailsUnsendable: 0, operatorCases: {} as Record<string, number>, providerRefunds: 0,
};
let started = Date.now();

function startServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1', port, dbFilename: join(dir, 'temporal.sqlite'), searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' },
    },
  });
}

function startWorker(): ChildProcess {
  const started = startWorkerProcess(stack, inject('workflowBundlePath'), { env: { RECURRENTE_TIMEOUT: CLIENT_TIMEOUT, POSTMARK_TIMEOUT: CLIENT_TIMEOUT } });
  workerPolling = started.polling;
  return started.child;
}

/** Kills the worker process with SIGKILL and starts a new one after a short pause. */
async function killWorker(): Promise<void> {
  if (!worker) return;
  const current = worker;
  if (current.exitCode === null && current.signalCode === null) {
    const dead = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await dead;
    figures.workerKills += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
  worker = startWorker();
}

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  stack = await startTestStack({
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`, CHECKOUT_EXPIRY: '10m', TEMPORAL_RPC_TIMEOUT: '10s', RECURRENTE_TIMEOUT: CLIENT_TIMEOUT, POSTMARK_TIMEOUT: CLIENT_TIMEOUT,
  });
  await stack.worker.stop();
  await resetDatabase(stack.api.orm);
  const em = stack.api.orm.em.fork();
  for (let i = 0; i < PURCHASES; i += 1) {
    const business = em.create(Business, { name: `Chaos Plumbing ${i}`, category: 'plumber', city: 'Guatemala' });
    em.create(Site, { slug: `chaos-${i}`, business, title: `Chaos Plumbing ${i}`, purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
  }
  await em.flush();
  worker = startWorker();
}, 300_000);
afterAll(async () => {
  // Printed whether or not the run passed, with what it got to.
  if (stack) {
    const deliveries = stack.recurrente.deliveries();
    figures.webhookDeliveries = deliveries.length;
    figures.webhookRedeliveries = deliveries.length - new Set(deliveries.map((d) => d.messageId)).size;
    figures.seconds = Math.round((Date.now() - started) / 1000);
    figures.providerFaults = stack.recurrente.faults().injected;
    figures.postmarkFaults = stack.postmark.faults().injected;
    figures.providerRefunds = stack.recurrente.refunds().length;
    console.log(`chaos figures: ${JSON.stringify(figures)}`);
  }
  worker?.kill('SIGKILL');
  await stack?.stop();
  await server?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** Asks for a checkout until Temporal answers (503s are expected while the worker or the server is down). */
async function claim(slug: string, claimant: { email: string; name: string }, remoteAddress: string): Promise<{ status: number; url?: string }> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const res = await purchase(stack, slug, claimant, remoteAddress);
    figures.purchaseAnswers[res.statusCode] = (figures.purchaseAnswers[res.statusCode] ?? 0) + 1;
    if (res.statusCode === 200) return { status: 200, url: res.json<{ checkout_url: string }>().checkout_url };
    if (res.statusCode === 409) return { status: 409 };
    figures.otherAnswers[res.statusCode] ??= res.body.slice(0, 300);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { status: 0 };
}

/** The claimants of site `i`; at every UNSENDABLE_EVERY-th site both are recipients Postmark refuses. */
function claimants(i: number): [{ email: string; name: string }, { email: string; name: string }] {
  const domain = UNSENDABLE_EVERY > 0 && i % UNSENDABLE_EVERY === UNSENDABLE_EVERY - 1 ? 'suppressed.example.com' : 'example.com';
  return [{ email: `a${i}@${domain}`, name: `Racer A ${i}` }, { email: `b${i}@${domain}`, name: `Racer B ${i}` }];
}

/** A client address of its own for each claimant (`side` 1 or 2 of the race for site `i`). */
function claimantAddress(side: number, i: number): string {
  return `10.${side}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

describe('chaos: purchases under worker kills, a Temporal restart, redelivered webhooks and failing providers', () => {
  it('keeps exactly one payment, owner, subscription and welcome email per paid purchase', async () => {
    started = Date.now();
    stack.recurrente.setDeliveryMode({ duplicate: 3, reorder: true });
    const half = (rate: number) => rate / 2;
    stack.recurrente.setFaults({ errorRate: PROVIDER_ERROR_RATE, timeoutRate: half(PROVIDER_TIMEOUT_RATE), lateRate: half(PROVIDER_TIMEOUT_RATE), holdMs: FAULT_HOLD_MS, seed: FAULT_SEED });
    stack.postmark.setFaults({ errorRate: POSTMARK_ERROR_RATE, timeoutRate: half(POSTMARK_TIMEOUT_RATE), lateRate: half(POSTMARK_TIMEOUT_RATE), holdMs: FAULT_HOLD_MS, seed: FAULT_SEED + 1 });
    const unsendable = new Set<string>();
    for (let i = 0; i < PURCHASES; i += 1) {
      for (const claimant of claimants(i)) {
        if (!claimant.email.endsWith('@suppressed.example.com')) continue;
        stack.postmark.markInactive(claimant.email);
        unsendable.add(`chaos-${i}`);
      }
    }
    figures.unsendablePurchases = unsendable.size;
    let killing = true;
    let killer: NodeJS.Timeout | undefined;
    const scheduleKill = () => void workerPolling.then(() => {
      if (killing) killer = setTimeout(() => void killWorker().then(() => killing && scheduleKill()), KILL_EVERY_MS * (0.5 + Math.random()));
    });
    scheduleKill();
    const paid: string[] = [];
    try {
      for (let i = 0; i < PURCHASES; i += 1) {
        const slug = `chaos-${i}`;
        const [first, second] = claimants(i);
        const [a, b] = await Promise.all([claim(slug, first, claimantAddress(1, i)), claim(slug, second, claimantAddress(2, i))]);
        const winner = [a, b].find((r) => r.status === 200);
        expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
        expect(await pressCheckoutButton(winner!.url!, 'pay')).toBe(303);
        paid.push(slug);
        if (i % 5 === 4) await stack.recurrente.flush();
        if (i === Math.floor(PURCHASES / 2)) {
          await stack.worker.stop();
          await server.teardown();
          server = await startServer();
          figures.temporalRestarts += 1;
        }
      }
      stack.recurrente.setDeliveryMode({ duplicate: 3 });
      await stack.recurrente.flush();
    } finally {
      killing = false;
      clearTimeout(killer);
    }

    const em = () => stack.api.orm.em.fork();
    await eventually(async () => em().count(CustomerSiteOwnership), (n) => n === PURCHASES, 240_000);
    const sendable = PURCHASES - unsendable.size;
    // The outage ends, as outages do: the fakes stop failing. An email whose attempts kept failing (Postmark faults,
    // attempts lost with killed workers) may still sit in its back-off for up to the email activity's longest interval
    // (10 minutes); its next attempt goes out. Without this, a 35 % failure rate can chain 10-minute waits past any bound.
    for (const fake of [stack.recurrente, stack.postmark]) fake.setFaults({ errorRate: 0, timeoutRate: 0, lateRate: 0 });
    const EMAIL_SETTLE_MS = 12 * 60_000;
    await eventually(async () => em().count(EmailMessage, { template: 'purchase_confirmation', status: 'sent' }), (n) => n === sendable, EMAIL_SETTLE_MS);
    // Every purchase email has gone out or been given up on (the suppressed buyers'): none is still being retried.
    const unsettled = () => em().count(EmailMessage, { template: { $in: ['welcome_set_password', 'purchase_confirmation'] }, status: 'pending' });
    await eventually(unsettled, (n) => n === 0, EMAIL_SETTLE_MS);
    const context = { em, acceptedEmailKeys: () => stack.postmark.sent().map((m) => m.Metadata.idempotency_key ?? '') };
    expect(await moneyViolations(context, paid)).toEqual([]);
    expect(await refundViolations(context, stack.recurrente.refunds())).toEqual([]);
    expect(await lostEmailViolations(context)).toEqual([]);
    expect(await em().count(EmailMessage, { template: 'welcome_set_password' })).toBe(PURCHASES);
    expect(await em().count(EmailMessage, { template: 'welcome_set_password', status: 'sent' })).toBe(sendable);
    figures.emailsSent = await em().count(EmailMessage, { status: 'sent' });
    figures.emailsUnsendable = await em().count(EmailMessage, { status: 'failed' });
    for (const raised of await em().find(OperatorCase, {})) figures.operatorCases[raised.kind] = (figures.operatorCases[raised.kind] ?? 0) + 1;
    // Each suppressed buyer's welcome and confirmation are on the operators' list; nothing else is.
    expect(figures.operatorCases).toEqual(unsendable.size > 0 ? { email_unsendable: 2 * unsendable.size } : {});

    // The confirmation email precedes the claim's last steps (starting the subscription, completing), so poll.
    const openClaims = async () => {
      const running: string[] = [];
      for await (const wf of stack.api.temporal.workflow.list({ query: 'WorkflowType = "claimSiteWorkflow" AND ExecutionStatus = "Running"' })) running.push(wf.workflowId);
      return running;
    };
    await eventually(openClaims, (running) => running.length === 0, 120_000);
    // What stays open (the subscriptions awaiting activation) waits on a timer, so it ends on its own if nothing comes.
    await eventually(() => workflowsWithoutTimer(stack.api.temporal), (stuck) => stuck.length === 0, 60_000);

    const replay = await replayViolations(stack.api.temporal, inject('workflowBundlePath'), stack.config.temporal.codecKeys, ['claimSiteWorkflow', 'subscriptionWorkflow']);
    figures.replayedHistories = replay.replayed;
    figures.nondeterminism = replay.nondeterministic;
    figures.replayErrors = replay.errors;
    expect(replay.nondeterministic).toBe(0);
  }, RUN_TIMEOUT_MS);
});
