import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createEmailActivities } from '../activities/email.js';
import type { EmailRequest } from '../lib/email/templates.js';
import type { createOperatorCaseActivities } from '../activities/operator-cases.js';
import type { createPaymentLedgerActivities } from '../activities/payment-ledger.js';
import type { createPaymentActivities } from '../activities/payments.js';
import type { createSubscriptionActivities, SubscriptionSite, SubscriptionSnapshot } from '../activities/subscriptions.js';
import { formatMoney } from '../lib/money.js';
import { subscriptionPageUrl } from '../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS, OPERATOR_CASE_ACTIVITY_OPTIONS, PAYMENT_PROVIDER_ACTIVITY_OPTIONS } from './activity-options.js';
import { customerEmailKey } from '../lib/search-key.js';
import { BUSINESS_STATUS, CUSTOMER_EMAIL, SITE_SLUG } from './search-attributes.js';

/** Durations and links the workflow runs with (from configuration, so tests can make them short). */
export interface SubscriptionSettings {
  billingPeriodMs: number;
  gracePeriodMs: number;
  /** How long after a period ends a renewal payment may still arrive before it counts as failed. */
  renewalSlackMs: number;
  checkoutExpiryMs: number;
  publicBaseUrl: string;
  /** How long after the purchase the owner has to activate before the site is suspended (absent: no deadline). */
  activationDeadlineMs?: number;
  /** When, after the purchase, activation reminders go out. */
  activationRemindersMs?: number[];
}

/** A provider-confirmed subscription charge (first payment or renewal); `eventId` is the webhook's dedupe key. */
export interface SubscriptionPayment {
  eventId: string;
  paymentIntentId: string;
  /** The provider subscription charged. */
  subscriptionId: string;
  checkoutId: string | null;
  amountCents: number;
  currency: string;
  paidAt: string;
}

/** A declined charge. Without a subscription id it is a declined activation checkout, which changes nothing. */
export interface SubscriptionPaymentFailure {
  eventId: string;
  paymentIntentId: string | null;
  subscriptionId: string | null;
  amountCents: number | null;
  currency: string | null;
  reason: string;
  failedAt: string;
}

/** The provider ended a subscription (its own retries ran out, or someone cancelled it there). */
export interface ProviderCancellationNotice {
  eventId: string;
  subscriptionId: string;
}

/** The hosted checkout an owner pays to start (or restart) the subscription. */
export interface ActivationCheckout {
  checkoutId: string;
  checkoutUrl: string;
  expiresAt: string;
}

/** What the status query answers. */
export interface SubscriptionView {
  siteId: string;
  status: SubscriptionSnapshot['status'];
  periodStart: string | null;
  periodEnd: string | null;
  /** When the next charge is due; null when nothing will be charged (cancelling, cancelled, suspended, not started). */
  nextBillingDate: string | null;
  graceEndsAt: string | null;
  cancelAtPeriodEnd: boolean;
  cancelledAt: string | null;
  providerSubscriptionId: string | null;
  /** True when the provider will not charge the current subscription again, so renewing needs a new checkout. */
  providerSubscriptionEnded: boolean;
  /** Billing periods paid for so far (first payment, renewals and restorations). */
  periodsPaid: number;
  lastPaymentFailure: string | null;
  checkout: ActivationCheckout | null;
}

/** State carried from one run to the next through continue-as-new. */
export interface SubscriptionCarry {
  billing: SubscriptionSnapshot;
  periodsPaid: number;
  activationAttempts: number;
  checkout: ActivationCheckout | null;
  lastPaymentFailure: string | null;
  providerEnded: boolean;
  /** Provider subscriptions this site has moved away from; a charge on one of them is refunded. */
  endedSubscriptionIds: string[];
  /** Dedupe keys of the events already applied (bounded). */
  applied: string[];
  /** Events received but not yet applied when the run ended. */
  pending: SubscriptionEvent[];
  /** Activation reminders already sent (absent in runs recorded before the activation deadline existed). */
  activationRemindersSent?: number;
  /** When the last applied payment was made (absent in runs recorded before late failures were recognised). */
  lastPaidAt?: string;
}

/** Start arguments; `carried` is absent on the first run, which adopts the stored subscription. */
export interface SubscriptionInput {
  siteId: string;
  settings: SubscriptionSettings;
  carried?: SubscriptionCarry;
}

/** A change requested of the subscription, queued by the signal handlers and applied in order. */
export type SubscriptionEvent =
  | { kind: 'paid'; payment: SubscriptionPayment }
  | { kind: 'failed'; failure: SubscriptionPaymentFailure }
  | { kind: 'cancel'; atPeriodEnd: boolean }
  | { kind: 'reactivate' }
  | { kind: 'provider_cancelled'; notice: ProviderCancellationNotice };

/** The provider charged the subscription (from the webhook). */
export const subscriptionPaymentSucceededSignal = defineSignal<[SubscriptionPayment]>('subscriptionPaymentSucceeded');
/** The provider could not charge the subscription (from the webhook). */
export const subscriptionPaymentFailedSignal = defineSignal<[SubscriptionPaymentFailure]>('subscriptionPaymentFailed');
// The names before the rename; they serve workflows started before it.
const legacyPaymentSucceededSignal = defineSignal<[SubscriptionPayment]>('paymentSucceeded');
const legacyPaymentFailedSignal = defineSignal<[SubscriptionPaymentFailure]>('paymentFailed');
/** The owner cancels: at the end of the paid period (default) or now. Kept for workflows signalled before the update existed. */
export const cancelSignal = defineSignal<[{ atPeriodEnd: boolean }]>('cancel');
/** The owner takes back a cancellation that has not taken effect yet. Kept for workflows signalled before the update existed. */
export const reactivateSignal = defineSignal('reactivate');
/** The owner cancels (at the end of the paid period or now); answers once applied, rejects when there is nothing to cancel. */
export const cancelSubscriptionUpdate = defineUpdate<SubscriptionChange, [{ atPeriodEnd: boolean }]>('cancelSubscription');
/** The owner takes back a pending cancellation; answers once applied, rejects when none is pending. */
export const undoCancellationUpdate = defineUpdate<SubscriptionChange>('undoCancellation');
/** The provider ended the subscription on its side. */
export const providerCancelledSignal = defineSignal<[ProviderCancellationNotice]>('providerCancelled');
/** Opens (or answers the open) checkout that starts the subscription again. */
export const openActivationCheckoutUpdate = defineUpdate<ActivationCheckout>('openActivationCheckout');
/** Where the subscription stands. */
export const subscriptionStatusQuery = defineQuery<SubscriptionView>('subscriptionStatus');

/** Failure types the API maps to HTTP answers. */
export const SUBSCRIPTION_FAILURES = {
  alreadyActive: 'subscription_already_active',
  checkoutUnavailable: 'checkout_unavailable',
  notActive: 'subscription_not_active',
  alreadyCancelled: 'subscription_already_cancelled',
  notStarted: 'subscription_not_started',
  notCancelling: 'subscription_not_cancelling',
  needsCheckout: 'subscription_needs_checkout',
} as const;

/** What a cancel or undo answers: the subscription afterwards, and whether the change is in it yet (else the next run applies it). */
export interface SubscriptionChange {
  view: SubscriptionView;
  applied: boolean;
}

const MAX_REMEMBERED_EVENTS = 200;
const MAX_REMEMBERED_SUBSCRIPTIONS = 20;
/** A checkout closer than this to its expiry (or a quarter of its lifetime) is not handed out again. */
const MIN_CHECKOUT_LIFETIME_MS = 5 * 60_000;

const db = proxyActivities<ReturnType<typeof createSubscriptionActivities> & Pick<ReturnType<typeof createPaymentLedgerActivities>, 'recordSubscriptionPayment'>>(databaseActivityOptions(['SubscriptionNotFound']));
const claims = proxyActivities<Pick<ReturnType<typeof createPaymentLedgerActivities>, 'markPaymentRefunded' | 'decidePayment' | 'setPaymentOutcome'>>(databaseActivityOptions());
const gateway = proxyActivities<Pick<ReturnType<typeof createPaymentActivities>, 'createSubscriptionCheckout' | 'cancelProviderSubscription' | 'verifySubscriptionPayment' | 'refundPayment'>>(
  PAYMENT_PROVIDER_ACTIVITY_OPTIONS,
);
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);
const operators = proxyActivities<ReturnType<typeof createOperatorCaseActivities>>(OPERATOR_CASE_ACTIVITY_OPTIONS);

/** Patch ids: runs recorded before these changes replay the old shape. */
const PATCHES = { verifyPayment: 'verify-subscription-payment', activationDeadline: 'activation-deadline', lateFailures: 'ignore-failures-before-last-payment', storedDetail: 'store-subscription-detail' } as const;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The business key of one billing period of a site (`sub:<siteId>:<period start, compact ISO>`), from which the
 * period's email and provider idempotency keys are derived. Short enough for Postmark's 80-character metadata.
 */
export function subscriptionPeriodKey(siteId: string, periodStart: string | null): string {
  return `sub:${siteId}:${periodStart === null ? 'none' : periodStart.replace(/[-:]/g, '')}`;
}

/**
 * The monthly subscription of one site (`subscription:<siteId>`), alive for as long as the site is owned. One
 * billing period per run: every payment that starts a period continues the workflow as new, carrying its state.
 * A failed or missing renewal opens a grace period; when it runs out the site is suspended until a payment
 * arrives. Every write and provider call is keyed by site + period, so replays and retries never double anything.
 */
export async function subscriptionWorkflow(input: SubscriptionInput): Promise<void> {
  const { siteId, settings } = input;
  const carried = input.carried;
  let billing: SubscriptionSnapshot = carried?.billing ?? {
    status: 'pending_activation', providerSubscriptionId: null, periodStart: null, periodEnd: null, graceEndsAt: null, cancelAtPeriodEnd: false, cancelledAt: null,
  };
  let periodsPaid = carried?.periodsPaid ?? 0;
  let activationAttempts = carried?.activationAttempts ?? 0;
  let checkout = carried?.checkout ?? null;
  let lastPaymentFailure = carried?.lastPaymentFailure ?? null;
  let providerEnded = carried?.providerEnded ?? false;
  const endedSubscriptionIds = [...(carried?.endedSubscriptionIds ?? [])];
  const applied = [...(carried?.applied ?? [])];
  const queue: SubscriptionEvent[] = [...(carried?.pending ?? [])];
  let site: SubscriptionSite | null = null;
  let openingCheckout = false;
  const appliedChanges = new Set<SubscriptionEvent>();
  const awaitedChanges = new Set<SubscriptionEvent>();
  let runEnding = false;
  let activationRemindersSent = carried?.activationRemindersSent ?? 0;
  let lastPaidAt = carried?.lastPaidAt ?? null;

  const remember = (...keys: string[]): boolean => {
    if (keys.some((key) => applied.includes(key))) return false;
    applied.push(...keys);
    applied.splice(0, Math.max(0, applied.length - MAX_REMEMBERED_EVENTS));
    return true;
  };
  const nextBillingDate = () => (billing.status === 'active' && !billing.cancelAtPeriodEnd && !providerEnded ? billing.periodEnd : null);
  const checkoutAllowed = () =>
    billing.status !== 'active' || (billing.cancelAtPeriodEnd && providerEnded);
  const assertCheckoutAllowed = () => {
    if (!checkoutAllowed()) {
      throw ApplicationFailure.create({ type: SUBSCRIPTION_FAILURES.alreadyActive, message: 'The subscription is already active', nonRetryable: true });
    }
  };

  const view = (): SubscriptionView => ({
    siteId,
    status: billing.status,
    periodStart: billing.periodStart,
    periodEnd: billing.periodEnd,
    nextBillingDate: nextBillingDate(),
    graceEndsAt: billing.graceEndsAt,
    cancelAtPeriodEnd: billing.cancelAtPeriodEnd,
    cancelledAt: billing.cancelledAt,
    providerSubscriptionId: billing.providerSubscriptionId,
    providerSubscriptionEnded: providerEnded,
    periodsPaid,
    lastPaymentFailure,
    checkout,
  });
  setHandler(subscriptionStatusQuery, view);
  const onPaymentSucceeded = (payment: SubscriptionPayment) => {
    if (remember(`event:${payment.eventId}`, `paid:${payment.paymentIntentId}`)) queue.push({ kind: 'paid', payment });
  };
  const onPaymentFailed = (failure: SubscriptionPaymentFailure) => {
    const keys = [`event:${failure.eventId}`, ...(failure.paymentIntentId ? [`failed:${failure.paymentIntentId}`] : [])];
    if (remember(...keys)) queue.push({ kind: 'failed', failure });
  };
  setHandler(subscriptionPaymentSucceededSignal, onPaymentSucceeded);
  setHandler(subscriptionPaymentFailedSignal, onPaymentFailed);
  setHandler(legacyPaymentSucceededSignal, onPaymentSucceeded);
  setHandler(legacyPaymentFailedSignal, onPaymentFailed);
  setHandler(providerCancelledSignal, (notice) => {
    if (remember(`event:${notice.eventId}`)) queue.push({ kind: 'provider_cancelled', notice });
  });
  setHandler(cancelSignal, ({ atPeriodEnd }) => {
    queue.push({ kind: 'cancel', atPeriodEnd });
  });
  setHandler(reactivateSignal, () => {
    queue.push({ kind: 'reactivate' });
  });
  const rejectChange = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
  const assertCancellable = () => {
    if (billing.status === 'pending_activation') throw rejectChange(SUBSCRIPTION_FAILURES.notActive, 'There is no active subscription to cancel');
    if (billing.status === 'cancelled') throw rejectChange(SUBSCRIPTION_FAILURES.alreadyCancelled, 'The subscription is already cancelled');
  };
  const assertUndoable = () => {
    if (billing.status === 'pending_activation') throw rejectChange(SUBSCRIPTION_FAILURES.notStarted, 'The subscription has never been active');
    if (checkoutAllowed()) throw rejectChange(SUBSCRIPTION_FAILURES.needsCheckout, 'The subscription has lapsed; only a new checkout starts it again');
    if (!billing.cancelAtPeriodEnd) throw rejectChange(SUBSCRIPTION_FAILURES.notCancelling, 'The subscription is active and not being cancelled');
  };
  // Until the first run has loaded the stored subscription, the state is not known: the handler checks again once it is.
  const stateKnown = () => carried !== undefined || site !== null;
  /** Queues a change for the main loop and answers once it is applied, or once this run ends (the next run applies it). */
  const applyChange = async (event: SubscriptionEvent, assert: () => void): Promise<SubscriptionChange> => {
    await condition(stateKnown);
    assert();
    queue.push(event);
    awaitedChanges.add(event);
    await condition(() => appliedChanges.has(event) || runEnding);
    return { view: view(), applied: appliedChanges.has(event) };
  };
  setHandler(cancelSubscriptionUpdate, ({ atPeriodEnd }) => applyChange({ kind: 'cancel', atPeriodEnd }, assertCancellable), {
    validator: (_change: { atPeriodEnd: boolean }) => {
      if (stateKnown()) assertCancellable();
    },
  });
  setHandler(undoCancellationUpdate, () => applyChange({ kind: 'reactivate' }, assertUndoable), {
    validator: () => {
      if (stateKnown()) assertUndoable();
    },
  });
  setHandler(openActivationCheckoutUpdate, async () => {
    await condition(() => site !== null && !openingCheckout);
    assertCheckoutAllowed();
    if (checkout && Date.parse(checkout.expiresAt) - Date.now() > Math.min(MIN_CHECKOUT_LIFETIME_MS, settings.checkoutExpiryMs / 4)) return checkout;
    openingCheckout = true;
    try {
      activationAttempts += 1;
      const expiresAt = iso(Date.now() + settings.checkoutExpiryMs);
      const session = await gateway.createSubscriptionCheckout({
        idempotencyKey: `subscription:${siteId}:${workflowInfo().firstExecutionRunId}:activation:${activationAttempts}`,
        siteId,
        slug: site!.slug,
        siteTitle: site!.title,
        amountCents: site!.amountCents,
        currency: site!.currency,
        customerId: site!.owner.customerId,
        expiresAt,
      });
      checkout = { ...session, expiresAt };
      return checkout;
    } catch (error) {
      if (error instanceof ActivityFailure) {
        throw ApplicationFailure.create({ type: SUBSCRIPTION_FAILURES.checkoutUnavailable, message: 'The payment provider could not open a checkout', nonRetryable: true });
      }
      throw error;
    } finally {
      openingCheckout = false;
    }
  }, { validator: assertCheckoutAllowed });

  const loaded = await db.loadSubscriptionSite(siteId);
  site = loaded;
  if (!carried) billing = loaded.stored;
  upsertSearchAttributes([
    { key: SITE_SLUG, value: loaded.slug },
    { key: CUSTOMER_EMAIL, value: customerEmailKey(loaded.owner.email) },
    { key: BUSINESS_STATUS, value: billing.status },
  ]);

  let periodStarted = false;
  while (!periodStarted) {
    if (queue.length === 0) {
      const deadline = currentDeadline();
      const woke = await condition(
        () => queue.length > 0 || workflowInfo().continueAsNewSuggested,
        deadline === null ? undefined : Math.max(1, deadline - Date.now()),
      );
      // An event that arrived before the deadline is applied first, even when both are handled in one task (a worker that was down).
      if (queue.length === 0) {
        if (workflowInfo().continueAsNewSuggested) break;
        if (!woke) await onDeadline();
        continue;
      }
    }
    const event = queue.shift()!;
    periodStarted = await apply(event);
    appliedChanges.add(event);
  }

  // A change an owner is waiting for (an update) next in line is applied in this run, so the answer shows it.
  while (queue.length > 0 && awaitedChanges.has(queue[0]!) && patched('subscription-apply-awaited-changes')) {
    const event = queue.shift()!;
    await apply(event);
    appliedChanges.add(event);
  }
  runEnding = true;
  await condition(allHandlersFinished);
  await continueAsNew<typeof subscriptionWorkflow>({
    siteId,
    settings,
    carried: {
      billing, periodsPaid, activationAttempts, checkout, lastPaymentFailure, providerEnded, endedSubscriptionIds, applied, pending: queue,
      ...(activationRemindersSent > 0 ? { activationRemindersSent } : {}),
      ...(lastPaidAt !== null ? { lastPaidAt } : {}),
    },
  });

  /** When the workflow acts on its own if nothing arrives: the renewal deadline, the period end of a cancellation, or the grace end. */
  function currentDeadline(): number | null {
    if (billing.status === 'active' && billing.periodEnd) {
      return Date.parse(billing.periodEnd) + (billing.cancelAtPeriodEnd ? 0 : settings.renewalSlackMs);
    }
    if (billing.status === 'past_due' && billing.graceEndsAt) return Date.parse(billing.graceEndsAt);
    const activation = activationDeadline();
    if (activation) return activation.at;
    return null;
  }

  /** The next activation reminder or, after the last one, the activation deadline of a bought site never activated. */
  function activationDeadline(): { at: number; reminder: number | null } | null {
    if (billing.status !== 'pending_activation' || settings.activationDeadlineMs === undefined || !site?.purchasedAt) return null;
    if (!patched(PATCHES.activationDeadline)) return null;
    const purchasedAt = Date.parse(site.purchasedAt);
    const reminders = [...(settings.activationRemindersMs ?? [])].filter((ms) => ms < settings.activationDeadlineMs!).sort((a, b) => a - b);
    const next = reminders[activationRemindersSent];
    if (next !== undefined) return { at: purchasedAt + next, reminder: activationRemindersSent + 1 };
    return { at: purchasedAt + settings.activationDeadlineMs, reminder: null };
  }

  /** Reminds the owner to activate, or, past the deadline, suspends the site like a lapsed subscription. */
  async function onActivationDeadline(): Promise<void> {
    const due = activationDeadline();
    if (!due) return;
    if (due.reminder === null) {
      log.info('the subscription was never activated; suspending the site', { siteId });
      await suspend();
      return;
    }
    activationRemindersSent = due.reminder;
    const deadline = iso(Date.parse(site!.purchasedAt!) + settings.activationDeadlineMs!);
    await notify(`activation_reminder_${due.reminder}`, {
      template: 'activation_reminder',
      model: { name: site!.owner.name, siteTitle: site!.title, deadline, activateUrl: billingUrl() },
    });
  }

  async function onDeadline(): Promise<void> {
    if (billing.status === 'active' && billing.cancelAtPeriodEnd) {
      await endSubscription(billing.periodEnd!);
    } else if (billing.status === 'active') {
      log.info('no renewal payment by the end of the period; treating it as failed', { siteId, periodEnd: billing.periodEnd });
      lastPaymentFailure = 'No renewal payment arrived by the end of the billing period';
      await markPastDue();
    } else if (billing.status === 'past_due') {
      await suspend();
    } else if (billing.status === 'pending_activation') {
      await onActivationDeadline();
    }
  }

  async function apply(event: SubscriptionEvent): Promise<boolean> {
    switch (event.kind) {
      case 'paid':
        return settlePayment(event.payment);
      case 'failed':
        await recordFailure(event.failure);
        return false;
      case 'cancel':
        await cancel(event.atPeriodEnd);
        return false;
      case 'reactivate':
        await undoCancellation();
        return false;
      case 'provider_cancelled':
        await providerCancelled(event.notice);
        return false;
    }
  }

  /** Applies a charge: starts the next period (renewal, restoration, activation), or refunds it when nothing should have been charged. */
  async function settlePayment(payment: SubscriptionPayment): Promise<boolean> {
    const owner = site!.owner;
    const verifying = patched(PATCHES.verifyPayment);
    let mismatch: string | null = null;
    if (verifying) {
      const verdict = await gateway.verifySubscriptionPayment({
        reported: { paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency },
        expected: { siteId, amountCents: site!.amountCents, currency: site!.currency, subscriptionId: payment.subscriptionId, knownSubscriptionId: billing.providerSubscriptionId },
      });
      if (verdict.verdict === 'unverified') {
        log.warn('subscription payment not confirmed by the provider; nothing renewed', { siteId, reason: verdict.reason });
        await raise('payment_unverified', payment, `${verdict.reason}. Nothing was renewed.`);
        return false;
      }
      if (verdict.verdict === 'mismatch') mismatch = verdict.reason;
    }
    const { paymentId } = await db.recordSubscriptionPayment({
      siteId,
      customerId: owner.customerId,
      providerPaymentId: payment.paymentIntentId,
      providerCheckoutId: payment.checkoutId,
      providerSubscriptionId: payment.subscriptionId,
      amountCents: payment.amountCents,
      currency: payment.currency,
      status: 'succeeded',
      failureReason: null,
      at: payment.paidAt,
    });
    if (mismatch !== null) {
      const decision = await claims.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'subscription', outcome: 'parked' });
      if (decision.status !== 'decided') return false;
      await raise('payment_mismatch', payment, `${mismatch}. The payment is being refunded.`);
      await refund(payment, paymentId, mismatch);
      return false;
    }
    if (verifying) {
      const decision = await claims.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'subscription', outcome: 'applied' });
      if (decision.status !== 'decided') {
        log.info('payment already decided by an earlier run; ignored', { siteId, paymentIntentId: payment.paymentIntentId });
        return false;
      }
    }
    const current = billing.providerSubscriptionId;
    const sameSubscription = payment.subscriptionId === current;
    const chargedAfterCancel = sameSubscription && ((billing.status === 'active' && billing.cancelAtPeriodEnd) || billing.status === 'cancelled');
    if (chargedAfterCancel || endedSubscriptionIds.includes(payment.subscriptionId)) {
      log.warn('charge on a subscription that is ending; refunding it', { siteId, paymentIntentId: payment.paymentIntentId });
      await refund(payment, paymentId, 'the subscription was ending when it was charged');
      return false;
    }

    const now = Date.now();
    const start = nextPeriodStart(now, sameSubscription);
    const previous = billing.status;
    const replaced = !sameSubscription && current !== null && !providerEnded ? current : null;
    if (!sameSubscription && current !== null) rememberEnded(current);
    if (!sameSubscription) providerEnded = false;
    billing = {
      status: 'active',
      providerSubscriptionId: payment.subscriptionId,
      periodStart: iso(start),
      periodEnd: iso(start + settings.billingPeriodMs),
      graceEndsAt: null,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
    };
    periodsPaid += 1;
    lastPaidAt = payment.paidAt;
    checkout = null;
    lastPaymentFailure = null;
    await save();
    if (replaced) {
      // A new checkout replaced a subscription the provider may still retry: stop it so the owner is not charged twice.
      await stopProviderSubscription(replaced, `${periodKey()}:replace`);
    }
    if (previous !== 'active' || !sameSubscription) {
      await notify('activated', {
        template: 'subscription_activated',
        model: { name: owner.name, siteTitle: site!.title, amount: amount(), nextBillingDate: billing.periodEnd! },
      });
    }
    return true;
  }

  /** Gives a charge back; a refund the provider refuses is left to an operator (the refund activity raises the case). */
  async function refund(payment: SubscriptionPayment, paymentId: string, reason: string): Promise<void> {
    const result = await gateway.refundPayment({ paymentIntentId: payment.paymentIntentId, idempotencyKey: `refund:${payment.paymentIntentId}`, siteId, reason });
    if (result.status !== 'refused') await claims.markPaymentRefunded(paymentId);
    if (patched(PATCHES.verifyPayment)) {
      await claims.setPaymentOutcome({ providerPaymentId: payment.paymentIntentId, outcome: result.status === 'refused' ? 'parked' : 'refunded' });
    }
  }

  async function raise(kind: 'payment_unverified' | 'payment_mismatch', payment: SubscriptionPayment, reason: string): Promise<void> {
    await operators.raiseOperatorCase({
      key: `${kind}:${payment.paymentIntentId}:${payment.eventId}`.slice(0, 255),
      kind,
      reason: `Subscription of site ${siteId}: ${reason}`,
      siteId,
      workflowId: workflowInfo().workflowId,
      payload: { ...payment },
    });
  }

  /** Renewals never lose paid days; a provider retry keeps its schedule; anything else starts now. */
  function nextPeriodStart(now: number, sameSubscription: boolean): number {
    const end = billing.periodEnd === null ? null : Date.parse(billing.periodEnd);
    if (end !== null && billing.status === 'active') return Math.max(now, end);
    if (end !== null && billing.status === 'past_due' && sameSubscription && end + settings.billingPeriodMs > now) return end;
    return now;
  }

  async function recordFailure(failure: SubscriptionPaymentFailure): Promise<void> {
    // A failed attempt made before the payment that settled the period (delivered late, e.g. after the provider's
    // successful retry) is history: recorded, but it neither opens a grace period nor shows as the last failure.
    const superseded = lastPaidAt !== null && Date.parse(failure.failedAt) < Date.parse(lastPaidAt) && patched(PATCHES.lateFailures);
    const reasonChanged = !superseded && failure.reason !== lastPaymentFailure;
    if (!superseded) lastPaymentFailure = failure.reason;
    if (failure.subscriptionId === null) {
      if (reasonChanged) await saveDetail();
      return;
    }
    if (failure.subscriptionId !== billing.providerSubscriptionId) {
      log.info('failed charge on a subscription this site no longer uses; ignored', { siteId, subscriptionId: failure.subscriptionId });
      if (reasonChanged) await saveDetail();
      return;
    }
    if (failure.paymentIntentId) {
      await db.recordSubscriptionPayment({
        siteId,
        customerId: site!.owner.customerId,
        providerPaymentId: failure.paymentIntentId,
        providerCheckoutId: null,
        providerSubscriptionId: failure.subscriptionId,
        amountCents: failure.amountCents ?? site!.amountCents,
        currency: failure.currency ?? site!.currency,
        status: 'failed',
        failureReason: failure.reason,
        at: failure.failedAt,
      });
    }
    if (superseded) {
      log.info('failed charge made before the last payment; the period is paid', { siteId, failedAt: failure.failedAt, lastPaidAt });
      return;
    }
    // Later failures (the provider's retries) change nothing: the grace period runs from the first one.
    if (billing.status === 'active' && !billing.cancelAtPeriodEnd) await markPastDue();
    else if (reasonChanged) await saveDetail();
  }

  async function markPastDue(): Promise<void> {
    billing = { ...billing, status: 'past_due', graceEndsAt: iso(Date.now() + settings.gracePeriodMs) };
    await save();
    await notify('payment_failed', {
      template: 'payment_failed',
      model: { name: site!.owner.name, siteTitle: site!.title, amount: amount(), graceEndsAt: billing.graceEndsAt!, updatePaymentUrl: billingUrl() },
    });
  }

  async function suspend(): Promise<void> {
    billing = { ...billing, status: 'suspended', graceEndsAt: null };
    await save();
    await notify('suspended', {
      template: 'site_suspended',
      model: { name: site!.owner.name, siteTitle: site!.title, reactivateUrl: billingUrl() },
    });
  }

  async function cancel(atPeriodEnd: boolean): Promise<void> {
    if (billing.status === 'pending_activation' || billing.status === 'cancelled') return;
    if (billing.status === 'active' && atPeriodEnd) {
      if (billing.cancelAtPeriodEnd) return;
      billing = { ...billing, cancelAtPeriodEnd: true };
      await save();
      await notify('cancelling', { template: 'subscription_cancelled', model: { name: site!.owner.name, siteTitle: site!.title, endsAt: billing.periodEnd! } });
      return;
    }
    // Immediate, or the paid period is already over (past due, suspended): it ends now.
    const alreadyAnnounced = billing.cancelAtPeriodEnd;
    const endedAt = iso(Date.now());
    await endSubscription(endedAt);
    if (!alreadyAnnounced) {
      await notify('cancelled', { template: 'subscription_cancelled', model: { name: site!.owner.name, siteTitle: site!.title, endsAt: endedAt } });
    }
  }

  /** Stops the provider charging, then takes the site offline as cancelled. */
  async function endSubscription(endedAt: string): Promise<void> {
    if (billing.providerSubscriptionId && !providerEnded) await stopProviderSubscription(billing.providerSubscriptionId, `${periodKey()}:cancel`);
    billing = { ...billing, status: 'cancelled', cancelAtPeriodEnd: false, cancelledAt: endedAt, graceEndsAt: null };
    await save();
  }

  async function undoCancellation(): Promise<void> {
    if (billing.status !== 'active' || !billing.cancelAtPeriodEnd) return;
    if (providerEnded) {
      log.info('the provider already ended the subscription; a new checkout is needed to renew', { siteId });
      return;
    }
    billing = { ...billing, cancelAtPeriodEnd: false };
    await save();
    await notify('reactivated', {
      template: 'subscription_activated',
      model: { name: site!.owner.name, siteTitle: site!.title, amount: amount(), nextBillingDate: billing.periodEnd! },
    });
  }

  async function providerCancelled(notice: ProviderCancellationNotice): Promise<void> {
    if (notice.subscriptionId !== billing.providerSubscriptionId) return;
    const alreadyEnded = providerEnded;
    providerEnded = true;
    // Nothing more will be charged: the paid period runs out and the subscription ends with it.
    if (billing.status === 'active' && !billing.cancelAtPeriodEnd) {
      billing = { ...billing, cancelAtPeriodEnd: true };
      await save();
      await notify('cancelling', { template: 'subscription_cancelled', model: { name: site!.owner.name, siteTitle: site!.title, endsAt: billing.periodEnd! } });
    } else if (!alreadyEnded) {
      await saveDetail();
    }
  }

  async function stopProviderSubscription(subscriptionId: string, idempotencyKey: string): Promise<void> {
    const { status } = await gateway.cancelProviderSubscription({ subscriptionId, idempotencyKey, siteId });
    // A refused cancel is an operator case (raised by the activity); the provider may still charge, so it is not "ended".
    if (subscriptionId === billing.providerSubscriptionId && status !== 'refused') providerEnded = true;
    rememberEnded(subscriptionId);
  }

  function rememberEnded(subscriptionId: string): void {
    if (endedSubscriptionIds.includes(subscriptionId)) return;
    endedSubscriptionIds.push(subscriptionId);
    endedSubscriptionIds.splice(0, Math.max(0, endedSubscriptionIds.length - MAX_REMEMBERED_SUBSCRIPTIONS));
  }

  async function save(): Promise<void> {
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: billing.status }]);
    await db.saveSubscriptionState({ siteId, snapshot: { ...billing }, detail: { providerSubscriptionEnded: providerEnded, lastPaymentFailure } });
  }

  /**
   * Stores a change the snapshot does not carry (the last failure, the provider ending the subscription) so the API
   * reads it from the row; runs recorded before these were stored did not write here.
   */
  async function saveDetail(): Promise<void> {
    if (patched(PATCHES.storedDetail)) await save();
  }

  /** Sends one email per site + period + kind; a refused recipient is logged, never fatal to the subscription. */
  async function notify(kind: string, message: EmailRequest): Promise<void> {
    try {
      await email.sendEmail({ ...message, idempotencyKey: `${periodKey()}:${kind}`, to: site!.owner.email });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('subscription email not delivered', { siteId, kind, error: error.message });
    }
  }

  function periodKey(): string {
    return subscriptionPeriodKey(siteId, billing.periodStart);
  }

  function amount(): string {
    return formatMoney(site!.amountCents, site!.currency);
  }

  function billingUrl(): string {
    return subscriptionPageUrl(settings, siteId);
  }
}
