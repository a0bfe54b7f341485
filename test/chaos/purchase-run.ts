import { expect } from 'vitest';
import { Business, CustomerSiteOwnership, EmailMessage, Site } from '../../db/entities/index.js';
import { purchase } from '../helpers/claims.js';
import { eventually } from '../helpers/eventually.js';
import type { TestStack } from '../helpers/stack.js';
import { moneyViolations, replayViolations, workflowsWithoutTimer, type ReplayOutcome } from './invariants.js';

/** What a chaos run drives besides its faults: preview sites, racing claimants and the checks at the end. */

/** Creates `count` preview sites `chaos-0` … to be claimed. */
export async function seedChaosSites(stack: TestStack, count: number): Promise<void> {
  const em = stack.api.orm.em.fork();
  for (let i = 0; i < count; i += 1) {
    const business = em.create(Business, { name: `Chaos Plumbing ${i}`, category: 'plumber', city: 'Guatemala' });
    em.create(Site, { slug: `chaos-${i}`, business, title: `Chaos Plumbing ${i}`, purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
  }
  await em.flush();
}

/** The answers a run got: count by status, and the first body of each status other than 200 / 409. */
export interface AnswerTally {
  counts: Record<number, number>;
  firstBodies: Record<number, string>;
}

/** Counts one answer in the tally. */
export function tally(answers: AnswerTally, status: number, body: string): void {
  answers.counts[status] = (answers.counts[status] ?? 0) + 1;
  if (status !== 200 && status !== 409) answers.firstBodies[status] ??= body.slice(0, 300);
}

/**
 * Asks for a checkout as a claimant does, again every second while the platform answers otherwise than 200 or 409
 * (503s are expected while a component is down); `onAnswer` sees every answer.
 */
export async function claimUntilAnswered(
  stack: TestStack, slug: string, claimant: { email: string; name: string }, remoteAddress: string,
  onAnswer: (res: Awaited<ReturnType<typeof purchase>>) => void,
): Promise<{ status: number; url?: string }> {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const res = await purchase(stack, slug, claimant, remoteAddress);
    onAnswer(res);
    if (res.statusCode === 200) return { status: 200, url: res.json<{ checkout_url: string }>().checkout_url };
    if (res.statusCode === 409) return { status: 409 };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { status: 0 };
}

/** A client address of its own for each claimant (`side` 1 or 2 of the race for site `i`). */
export function claimantAddress(side: number, i: number): string {
  return `10.${side}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * Waits for every paid purchase to settle, then checks the money invariants, that no claim is left open, that what
 * stays open waits on a timer, and that every history replays; answers the replay's outcome.
 */
export async function expectPurchasesSettled(stack: TestStack, paid: readonly string[], workflowBundlePath: string): Promise<ReplayOutcome> {
  const em = () => stack.api.orm.em.fork();
  await eventually(async () => em().count(CustomerSiteOwnership), (n) => n === paid.length, 240_000);
  await eventually(async () => em().count(EmailMessage, { template: 'purchase_confirmation', status: 'sent' }), (n) => n === paid.length, 120_000);
  const context = { em, acceptedEmailKeys: () => stack.postmark.sent().map((m) => m.Metadata.idempotency_key ?? '') };
  expect(await moneyViolations(context, paid)).toEqual([]);
  expect(await em().count(EmailMessage, { template: 'welcome_set_password' })).toBe(paid.length);

  // The confirmation email precedes the claim's last steps (starting the subscription, completing), so poll.
  const openClaims = async () => {
    const running: string[] = [];
    for await (const wf of stack.api.temporal.workflow.list({ query: 'WorkflowType = "claimSiteWorkflow" AND ExecutionStatus = "Running"' })) running.push(wf.workflowId);
    return running;
  };
  await eventually(openClaims, (running) => running.length === 0, 120_000);
  // What stays open (the subscriptions awaiting activation) waits on a timer, so it ends on its own if nothing comes.
  await eventually(() => workflowsWithoutTimer(stack.api.temporal), (stuck) => stuck.length === 0, 60_000);
  return replayViolations(stack.api.temporal, workflowBundlePath, stack.config.temporal.codecKeys, ['claimSiteWorkflow', 'subscriptionWorkflow']);
}
