import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { CustomerSiteOwnership, EmailMessage, Payment, ProcessedPayment, Site, Subscription } from '../../db/entities/index.js';
import type { AppConfig } from '../../lib/config.js';
import { encryptedDataConverter } from '../../lib/temporal/codec.js';

/**
 * The money invariants the chaos suite and the soak both check. Each check answers the violations it found (empty when
 * all hold), so a vitest suite asserts on them and a script prints them.
 */

/** What the checks need: a way to open a unit of work, and the emails the fake Postmark accepted. */
export interface InvariantContext {
  em: () => EntityManager;
  /** Idempotency keys of the messages the fake Postmark accepted, one entry per accepted send. */
  acceptedEmailKeys: () => string[];
}

/** Every paid site has exactly one succeeded purchase payment, one owner and one subscription; every welcome was sent once. */
export async function moneyViolations(ctx: InvariantContext, paidSlugs: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const em = ctx.em();
  const purchases = await em.count(Payment, { kind: 'purchase' });
  if (purchases !== paidSlugs.length) violations.push(`${purchases} purchase payments for ${paidSlugs.length} paid purchases`);
  const applied = await em.count(ProcessedPayment, { kind: 'purchase', outcome: 'applied' });
  if (applied !== paidSlugs.length) violations.push(`${applied} applied purchase confirmations for ${paidSlugs.length} paid purchases`);
  for (const slug of paidSlugs) {
    const site = await em.findOne(Site, { slug });
    if (!site) {
      violations.push(`${slug}: no such site`);
      continue;
    }
    const payments = await em.count(Payment, { site, kind: 'purchase', status: 'succeeded' });
    if (payments !== 1) violations.push(`${slug}: ${payments} succeeded purchase payments`);
    const owners = await em.count(CustomerSiteOwnership, { site, role: 'owner' });
    if (owners !== 1) violations.push(`${slug}: ${owners} owners`);
    const subscriptions = await em.count(Subscription, { site });
    if (subscriptions !== 1) violations.push(`${slug}: ${subscriptions} subscriptions`);
  }
  const accepted = ctx.acceptedEmailKeys();
  for (const template of ['welcome_set_password', 'purchase_confirmation'] as const) {
    const messages = await em.find(EmailMessage, { template });
    for (const message of messages) {
      const sends = accepted.filter((key) => key === message.idempotencyKey).length;
      if (message.status === 'sent' && sends !== 1) violations.push(`${template} ${message.idempotencyKey}: sent ${sends} times`);
    }
  }
  return violations;
}

/** Running workflows with no pending timer: each would wait for a signal that may never come. */
export async function workflowsWithoutTimer(client: Client): Promise<string[]> {
  const stuck: string[] = [];
  for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    const events = (await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()).events ?? [];
    const timers = new Set<string>();
    for (const event of events) {
      const started = event.timerStartedEventAttributes?.timerId;
      if (started) timers.add(started);
      const ended = event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
      if (ended) timers.delete(ended);
    }
    if (timers.size === 0) stuck.push(wf.workflowId);
  }
  return stuck;
}

/** The outcome of replaying every history of the given workflow types against the current bundle. */
export interface ReplayOutcome {
  replayed: number;
  nondeterministic: number;
  /** The first few errors, shortened. */
  errors: string[];
}

/** Replays every history of `workflowTypes` against the bundle at `bundlePath`. */
export async function replayViolations(client: Client, bundlePath: string, codecKeys: AppConfig['temporal']['codecKeys'], workflowTypes: readonly string[]): Promise<ReplayOutcome> {
  const query = workflowTypes.map((type) => `WorkflowType = "${type}"`).join(' OR ');
  const histories = [];
  for await (const wf of client.workflow.list({ query })) {
    histories.push({ workflowId: wf.workflowId, history: await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory() });
  }
  const outcome: ReplayOutcome = { replayed: histories.length, nondeterministic: 0, errors: [] };
  const dataConverter = encryptedDataConverter(codecKeys);
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath }, dataConverter }, histories)) {
    if (!result.error) continue;
    outcome.nondeterministic += 1;
    if (outcome.errors.length < 3) outcome.errors.push(`${result.workflowId}: ${String(result.error)}`.slice(0, 300));
  }
  return outcome;
}
