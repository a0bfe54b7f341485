import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { CustomerSiteOwnership, EmailMessage, OperatorCase, Payment, ProcessedPayment, Site, Subscription } from '../../db/entities/index.js';
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

/**
 * Nothing was refunded that was not meant to be, and nothing twice: every refund the provider made is of a payment the
 * platform decided to give back (recorded refunded, its processed outcome `refunded`), once; every payment recorded
 * refunded was refunded at the provider; no refund was refused (a second refund of the same payment is refused).
 */
export async function refundViolations(ctx: Pick<InvariantContext, 'em'>, providerRefunds: readonly { paymentIntentId: string }[]): Promise<string[]> {
  const violations: string[] = [];
  const em = ctx.em();
  const refundedAtProvider = new Map<string, number>();
  for (const { paymentIntentId } of providerRefunds) refundedAtProvider.set(paymentIntentId, (refundedAtProvider.get(paymentIntentId) ?? 0) + 1);
  for (const [paymentIntentId, times] of refundedAtProvider) {
    if (times > 1) violations.push(`payment ${paymentIntentId}: refunded ${times} times at the provider`);
    const payment = await em.findOne(Payment, { providerPaymentId: paymentIntentId });
    const decision = await em.findOne(ProcessedPayment, { providerPaymentId: paymentIntentId });
    if (payment?.status !== 'refunded' || decision?.outcome !== 'refunded') {
      violations.push(`payment ${paymentIntentId}: refunded at the provider, but recorded ${payment?.status ?? 'nowhere'} (outcome ${decision?.outcome ?? 'none'})`);
    }
  }
  for (const payment of await em.find(Payment, { status: 'refunded' })) {
    if (!refundedAtProvider.has(payment.providerPaymentId)) violations.push(`payment ${payment.providerPaymentId}: recorded refunded, but the provider made no refund`);
  }
  for (const refused of await em.find(OperatorCase, { kind: 'refund_refused' })) violations.push(`refund refused by the provider: ${refused.key}`);
  return violations;
}

/**
 * No email was lost without a trace: every logged email that did not go out is on the operators' list
 * (an `email_unsendable` case), and none of them was accepted by Postmark after all.
 */
export async function lostEmailViolations(ctx: InvariantContext): Promise<string[]> {
  const violations: string[] = [];
  const em = ctx.em();
  const accepted = new Set(ctx.acceptedEmailKeys());
  const cases = new Set((await em.find(OperatorCase, { kind: 'email_unsendable' })).map((c) => c.key));
  for (const message of await em.find(EmailMessage, { status: { $ne: 'sent' }, template: { $ne: 'operator_case' } })) {
    if (!cases.has(`email_unsendable:${message.idempotencyKey}`)) violations.push(`${message.template} ${message.idempotencyKey}: ${message.status}, and no operator case`);
    if (accepted.has(message.idempotencyKey)) violations.push(`${message.template} ${message.idempotencyKey}: logged ${message.status}, but Postmark accepted it`);
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
