import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createEmailActivities } from '../../activities/email.js';
import type { createPaymentLedgerActivities } from '../../activities/payment-ledger.js';
import type { createPaymentActivities } from '../../activities/payments.js';
import type { createSubscriptionActivities, SubscriptionSite } from '../../activities/subscriptions.js';
import type { EmailRequest } from '../../lib/email/templates.js';
import { formatMoney } from '../../lib/money.js';
import { customerEmailKey } from '../../lib/search-key.js';
import { subscriptionPageUrl } from '../../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS, PAYMENT_PROVIDER_ACTIVITY_OPTIONS } from '../activity-options.js';
import { raisePaymentCase } from '../operator-cases.js';
import { BUSINESS_STATUS, CUSTOMER_EMAIL, SITE_SLUG } from '../search-attributes.js';
import {
  cancelSubscriptionUpdate,
  ENDED_NOW_EMAIL_PATCH,
  openActivationCheckoutUpdate,
  ownerChangedSignal,
  providerCancelledSignal,
  releaseSubscriptionUpdate,
  SUBSCRIPTION_FAILURES,
  subscriptionPaymentFailedSignal,
  subscriptionPaymentSucceededSignal,
  subscriptionPeriodKey,
  subscriptionStatusQuery,
  undoCancellationUpdate,
  type ActivationCheckout,
  type OwnerChange,
  type ProviderCancellationNotice,
  type SubscriptionChange,
  type SubscriptionEvent,
  type SubscriptionInput,
  type SubscriptionPayment,
  type SubscriptionPaymentFailure,
} from './contract.js';
import { SubscriptionState, type Rejection } from './state.js';

const db = proxyActivities<ReturnType<typeof createSubscriptionActivities> & Pick<ReturnType<typeof createPaymentLedgerActivities>, 'recordSubscriptionPayment'>>(databaseActivityOptions(['SubscriptionNotFound']));
const claims = proxyActivities<Pick<ReturnType<typeof createPaymentLedgerActivities>, 'markPaymentRefunded' | 'decidePayment' | 'setPaymentOutcome'>>(databaseActivityOptions());
const gateway = proxyActivities<Pick<ReturnType<typeof createPaymentActivities>, 'createSubscriptionCheckout' | 'cancelProviderSubscription' | 'verifySubscriptionPayment' | 'refundPayment'>>(
  PAYMENT_PROVIDER_ACTIVITY_OPTIONS,
);
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

const iso = (ms: number) => new Date(ms).toISOString();

/** Throws a refusal as the non-retryable failure the API maps to an HTTP answer. */
function reject(rejection: Rejection | null): void {
  if (rejection) throw ApplicationFailure.create({ ...rejection, nonRetryable: true });
}

/**
 * The monthly subscription of one site (`subscription:<siteId>`), alive for as long as the site is owned. One
 * billing period per run: every payment that starts a period continues the workflow as new, carrying its state.
 * A failed or missing renewal opens a grace period; when it runs out the site is suspended until a payment
 * arrives. Every write and provider call is keyed by site + period, so replays and retries never double anything.
 */
export async function subscriptionWorkflow(input: SubscriptionInput): Promise<void> {
  const state = new SubscriptionState(input);
  const run = new SubscriptionRun(state);
  run.listen();
  await run.load();
  await run.untilPeriodStarts();
  await run.applyAwaitedChanges();
  run.end();
  await condition(allHandlersFinished);
  await continueAsNew<typeof subscriptionWorkflow>({ siteId: input.siteId, settings: input.settings, carried: state.carry() });
}

/** One run of the workflow: message handlers, the event loop and the side effects of the state's decisions. */
class SubscriptionRun {
  private loaded: SubscriptionSite | null = null;
  private openingCheckout = false;
  private ending = false;
  private readonly appliedChanges = new Set<SubscriptionEvent>();
  private readonly awaitedChanges = new Set<SubscriptionEvent>();

  constructor(private readonly state: SubscriptionState) {}

  /** Wires the query, signals and updates to the state. */
  listen(): void {
    const { state } = this;
    setHandler(subscriptionStatusQuery, () => state.view());
    setHandler(subscriptionPaymentSucceededSignal, (payment) => state.receivePayment(payment));
    setHandler(subscriptionPaymentFailedSignal, (failure) => state.receiveFailure(failure));
    setHandler(providerCancelledSignal, (notice) => state.receiveProviderCancel(notice));
    setHandler(ownerChangedSignal, (change) => state.receiveOwnerChange(change));
    setHandler(releaseSubscriptionUpdate, () => this.applyChange({ kind: 'release' }, () => null));
    setHandler(cancelSubscriptionUpdate, ({ atPeriodEnd }) => this.applyChange({ kind: 'cancel', atPeriodEnd }, () => state.cancelRejection()), {
      validator: (_change: { atPeriodEnd: boolean }) => {
        if (state.known) reject(state.cancelRejection());
      },
    });
    setHandler(undoCancellationUpdate, () => this.applyChange({ kind: 'reactivate' }, () => state.undoRejection()), {
      validator: () => {
        if (state.known) reject(state.undoRejection());
      },
    });
    setHandler(openActivationCheckoutUpdate, () => this.openCheckout(), { validator: () => reject(state.checkoutRejection()) });
  }

  /** Loads the site (and, on the first run, its stored subscription) and tags the run for operators. */
  async load(): Promise<void> {
    const site = await db.loadSubscriptionSite(this.state.siteId);
    this.loaded = site;
    this.state.load(site);
    upsertSearchAttributes([
      { key: SITE_SLUG, value: site.slug },
      { key: CUSTOMER_EMAIL, value: customerEmailKey(site.owner.email) },
      { key: BUSINESS_STATUS, value: this.state.billing.status },
    ]);
  }

  /** Applies events and deadlines in order until a payment starts a new period (or the history grows too long). */
  async untilPeriodStarts(): Promise<void> {
    const { queue } = this.state;
    for (;;) {
      const event = queue.shift();
      if (event) {
        const started = await this.apply(event);
        this.appliedChanges.add(event);
        if (started) return;
        continue;
      }
      const deadline = this.state.currentDeadline();
      const woke = await condition(
        () => queue.length > 0 || workflowInfo().continueAsNewSuggested,
        deadline === null ? undefined : Math.max(1, deadline - Date.now()),
      );
      // An event that arrived before the deadline is applied first, even when both are handled in one task (a worker that was down).
      if (queue.length > 0) continue;
      if (workflowInfo().continueAsNewSuggested) return;
      if (!woke) await this.onDeadline();
    }
  }

  /** A change an owner is waiting for (an update) next in line is applied in this run, so the answer shows it. */
  async applyAwaitedChanges(): Promise<void> {
    const { queue } = this.state;
    for (let event = queue[0]; event !== undefined && this.awaitedChanges.has(event); event = queue[0]) {
      queue.shift();
      await this.apply(event);
      this.appliedChanges.add(event);
    }
  }

  /** The run is ending: updates still waiting answer with what they see (the next run applies their change). */
  end(): void {
    this.ending = true;
  }

  private get site(): SubscriptionSite {
    if (!this.loaded) throw new Error(`subscription site ${this.state.siteId} is not loaded yet`);
    return this.loaded;
  }

  /** Queues a change for the event loop and answers once it is applied, or once this run ends (the next run applies it). */
  private async applyChange(event: SubscriptionEvent, rejection: () => Rejection | null): Promise<SubscriptionChange> {
    // Until the first run has loaded the stored subscription, the state is not known: the handler checks again once it is.
    await condition(() => this.state.known);
    reject(rejection());
    this.state.request(event);
    this.awaitedChanges.add(event);
    await condition(() => this.appliedChanges.has(event) || this.ending);
    return { view: this.state.view(), applied: this.appliedChanges.has(event) };
  }

  private async openCheckout(): Promise<ActivationCheckout> {
    await condition(() => this.loaded !== null && !this.openingCheckout);
    const { state, site } = this;
    reject(state.checkoutRejection());
    const reusable = state.reusableCheckout(Date.now());
    if (reusable) return reusable;
    this.openingCheckout = true;
    try {
      const attempt = state.nextActivationAttempt();
      const expiresAt = iso(Date.now() + state.settings.checkoutExpiryMs);
      const session = await gateway.createSubscriptionCheckout({
        idempotencyKey: `subscription:${state.siteId}:${workflowInfo().firstExecutionRunId}:activation:${attempt}`,
        siteId: state.siteId,
        slug: site.slug,
        siteTitle: site.title,
        amountCents: site.amountCents,
        currency: site.currency,
        customerId: site.owner.customerId,
        expiresAt,
      });
      const checkout = { ...session, expiresAt };
      state.checkoutOpened(checkout);
      return checkout;
    } catch (error) {
      if (error instanceof ActivityFailure) {
        throw ApplicationFailure.create({ type: SUBSCRIPTION_FAILURES.checkoutUnavailable, message: 'The payment provider could not open a checkout', nonRetryable: true });
      }
      throw error;
    } finally {
      this.openingCheckout = false;
    }
  }

  /** Applies one event; answers whether it started a new period. */
  private async apply(event: SubscriptionEvent): Promise<boolean> {
    switch (event.kind) {
      case 'paid':
        return this.settlePayment(event.payment);
      case 'failed':
        await this.recordFailure(event.failure);
        return false;
      case 'cancel':
        await this.cancel(event.atPeriodEnd);
        return false;
      case 'reactivate':
        await this.undoCancellation();
        return false;
      case 'provider_cancelled':
        await this.providerCancelled(event.notice);
        return false;
      case 'owner_changed':
        await this.changeOwner(event.change);
        return false;
      case 'release':
        await this.release();
        return false;
    }
  }

  /** Reminds the owner to activate, ends a cancelled period, opens grace for a missing renewal, or suspends. */
  private async onDeadline(): Promise<void> {
    const action = this.state.deadlineAction();
    const { siteId } = this.state;
    switch (action.kind) {
      case 'end':
        return this.endSubscription(action.at);
      case 'renewal_missed':
        log.info('no renewal payment by the end of the period; treating it as failed', { siteId, periodEnd: this.state.billing.periodEnd });
        return this.announcePastDue(this.state.renewalMissed(Date.now()));
      case 'suspend':
        return this.suspend();
      case 'activation_lapsed':
        log.info('the subscription was never activated; suspending the site', { siteId });
        return this.suspend();
      case 'remind':
        this.state.reminderSent(action.reminder);
        return this.notify(`activation_reminder_${action.reminder}`, {
          template: 'activation_reminder',
          model: { name: this.site.owner.name, siteTitle: this.site.title, deadline: action.deadline, activateUrl: this.billingUrl() },
        });
      case 'none':
        return;
    }
  }

  /** Confirms a charge with the provider, then starts the next period, or refunds it when nothing should have been charged. */
  private async settlePayment(payment: SubscriptionPayment): Promise<boolean> {
    const { state, site } = this;
    const { siteId } = state;
    const verdict = await gateway.verifySubscriptionPayment({
      reported: { paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency },
      expected: { siteId, amountCents: site.amountCents, currency: site.currency, subscriptionId: payment.subscriptionId, knownSubscriptionId: state.billing.providerSubscriptionId },
    });
    if (verdict.verdict === 'unverified') {
      log.warn('subscription payment not confirmed by the provider; nothing renewed', { siteId, reason: verdict.reason });
      await this.raise('payment_unverified', payment, `${verdict.reason}. Nothing was renewed.`);
      return false;
    }
    const { paymentId } = await db.recordSubscriptionPayment({
      siteId,
      customerId: site.owner.customerId,
      providerPaymentId: payment.paymentIntentId,
      providerCheckoutId: payment.checkoutId,
      providerSubscriptionId: payment.subscriptionId,
      amountCents: payment.amountCents,
      currency: payment.currency,
      status: 'succeeded',
      failureReason: null,
      at: payment.paidAt,
    });
    if (verdict.verdict === 'mismatch') {
      const decision = await claims.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'subscription', outcome: 'parked' });
      if (decision.status !== 'decided') return false;
      await this.raise('payment_mismatch', payment, `${verdict.reason}. The payment is being refunded.`);
      await this.refund(payment, paymentId, verdict.reason);
      return false;
    }
    const decision = await claims.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'subscription', outcome: 'applied' });
    if (decision.status !== 'decided') {
      log.info('payment already decided by an earlier run; ignored', { siteId, paymentIntentId: payment.paymentIntentId });
      return false;
    }
    return this.startPeriod(payment, paymentId);
  }

  /** Applies a confirmed, newly decided charge: a new period, or a refund when the subscription was ending. */
  private async startPeriod(payment: SubscriptionPayment, paymentId: string): Promise<boolean> {
    const decision = this.state.paymentDecision(payment);
    if (decision.kind === 'refund') {
      log.warn('charge on a subscription that is ending; refunding it', { siteId: this.state.siteId, paymentIntentId: payment.paymentIntentId });
      await this.refund(payment, paymentId, decision.reason);
      return false;
    }
    const applied = this.state.applyPayment(payment, Date.now());
    await this.save();
    if (applied.replaced) {
      // A new checkout replaced a subscription the provider may still retry: stop it so the owner is not charged twice.
      await this.stopProviderSubscription(applied.replaced, `${this.periodKey()}:replace`);
    }
    if (applied.announce) {
      await this.notify('activated', {
        template: 'subscription_activated',
        model: { name: this.site.owner.name, siteTitle: this.site.title, amount: this.amount(), nextBillingDate: applied.periodEnd },
      });
    }
    return true;
  }

  /** Gives a charge back; a refund the provider refuses is left to an operator (the refund activity raises the case). */
  private async refund(payment: SubscriptionPayment, paymentId: string, reason: string): Promise<void> {
    const result = await gateway.refundPayment({ paymentIntentId: payment.paymentIntentId, idempotencyKey: `refund:${payment.paymentIntentId}`, siteId: this.state.siteId, reason });
    if (result.status !== 'refused') await claims.markPaymentRefunded(paymentId);
    await claims.setPaymentOutcome({ providerPaymentId: payment.paymentIntentId, outcome: result.status === 'refused' ? 'parked' : 'refunded' });
  }

  private async raise(kind: 'payment_unverified' | 'payment_mismatch', payment: SubscriptionPayment, reason: string): Promise<void> {
    const { siteId } = this.state;
    await raisePaymentCase(kind, payment, siteId, `Subscription of site ${siteId}: ${reason}`, { ...payment });
  }

  /** Stores a declined charge; the first one on an active subscription opens the grace period. */
  private async recordFailure(failure: SubscriptionPaymentFailure): Promise<void> {
    const { siteId } = this.state;
    const outcome = this.state.applyFailure(failure);
    if (outcome.ignored === 'other_subscription') {
      log.info('failed charge on a subscription this site no longer uses; ignored', { siteId, subscriptionId: failure.subscriptionId });
    }
    if (outcome.record && failure.paymentIntentId) {
      await db.recordSubscriptionPayment({
        siteId,
        customerId: this.site.owner.customerId,
        providerPaymentId: failure.paymentIntentId,
        providerCheckoutId: null,
        providerSubscriptionId: failure.subscriptionId,
        amountCents: failure.amountCents ?? this.site.amountCents,
        currency: failure.currency ?? this.site.currency,
        status: 'failed',
        failureReason: failure.reason,
        at: failure.failedAt,
      });
    }
    if (outcome.ignored === 'superseded') log.info('failed charge made before the last payment; the period is paid', { siteId, failedAt: failure.failedAt });
    if (outcome.next === 'past_due') await this.announcePastDue(this.state.markPastDue(Date.now()));
    else if (outcome.next === 'save') await this.save();
  }

  private async announcePastDue(graceEndsAt: string): Promise<void> {
    await this.save();
    await this.notify('payment_failed', {
      template: 'payment_failed',
      model: { name: this.site.owner.name, siteTitle: this.site.title, amount: this.amount(), graceEndsAt, updatePaymentUrl: this.billingUrl() },
    });
  }

  private async suspend(): Promise<void> {
    this.state.suspend();
    await this.save();
    await this.notify('suspended', {
      template: 'site_suspended',
      model: { name: this.site.owner.name, siteTitle: this.site.title, reactivateUrl: this.billingUrl() },
    });
  }

  private async cancel(atPeriodEnd: boolean): Promise<void> {
    const decision = this.state.cancel(atPeriodEnd, Date.now());
    if (decision.kind === 'schedule') {
      await this.save();
      await this.notify('cancelling', { template: 'subscription_cancelled', model: { name: this.site.owner.name, siteTitle: this.site.title, endsAt: decision.endsAt } });
    } else if (decision.kind === 'end_now') {
      await this.endSubscription(decision.endedAt);
      // The site is offline from now on: the owner is told so, even after an earlier email said it stays online until the period end.
      if (decision.announce || patched(ENDED_NOW_EMAIL_PATCH)) {
        await this.notify('cancelled', {
          template: 'subscription_ended',
          model: {
            name: this.site.owner.name, siteTitle: this.site.title, endedAt: decision.endedAt, reactivateUrl: this.billingUrl(),
            ...(decision.paidUntil ? { paidUntil: decision.paidUntil } : {}),
          },
        });
      }
    }
  }

  /** Stops the provider charging, then takes the site offline as cancelled. */
  private async endSubscription(endedAt: string): Promise<void> {
    const toStop = this.state.providerSubscriptionToStop();
    if (toStop) await this.stopProviderSubscription(toStop, `${this.periodKey()}:cancel`);
    this.state.end(endedAt);
    await this.save();
  }

  private async undoCancellation(): Promise<void> {
    const undone = this.state.undoCancellation();
    if (undone.kind === 'provider_ended') {
      log.info('the provider already ended the subscription; a new checkout is needed to renew', { siteId: this.state.siteId });
    } else if (undone.kind === 'undone') {
      await this.save();
      await this.notify('reactivated', {
        template: 'subscription_activated',
        model: { name: this.site.owner.name, siteTitle: this.site.title, amount: this.amount(), nextBillingDate: undone.nextBillingDate },
      });
    }
  }

  private async providerCancelled(notice: ProviderCancellationNotice): Promise<void> {
    const change = this.state.providerCancelled(notice);
    // Nothing more will be charged: the paid period runs out and the subscription ends with it.
    if (change.kind === 'cancelling') {
      await this.save();
      await this.notify('cancelling', { template: 'subscription_cancelled', model: { name: this.site.owner.name, siteTitle: this.site.title, endsAt: change.endsAt } });
    } else if (change.kind === 'save') {
      await this.save();
    }
  }

  /** Reloads the new owner; a transfer stops the old owner's provider subscription (the paid period stays). */
  private async changeOwner(change: OwnerChange): Promise<void> {
    const site = await db.loadSubscriptionSite(this.state.siteId);
    this.loaded = site;
    upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(site.owner.email) }]);
    const { stop } = this.state.changeOwner(site, change.kind, Date.now());
    if (stop) await this.stopProviderSubscription(stop, `${this.periodKey()}:handover`);
    await this.save();
  }

  /** The site left its owner's account: stops the provider subscription and ends the subscription now (the removal emails its owner). */
  private async release(): Promise<void> {
    const toStop = this.state.providerSubscriptionToStop();
    if (toStop) await this.stopProviderSubscription(toStop, `${this.periodKey()}:release`);
    this.state.release(iso(Date.now()));
    await this.save();
  }

  private async stopProviderSubscription(subscriptionId: string, idempotencyKey: string): Promise<void> {
    const { status } = await gateway.cancelProviderSubscription({ subscriptionId, idempotencyKey, siteId: this.state.siteId });
    // A refused cancel is an operator case (raised by the activity).
    this.state.providerStopped(subscriptionId, status === 'refused');
  }

  /** Stores the snapshot and what the API reads beside it (the last failure, the provider ending the subscription). */
  private async save(): Promise<void> {
    const { state } = this;
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: state.billing.status }]);
    await db.saveSubscriptionState({
      siteId: state.siteId,
      snapshot: { ...state.billing },
      detail: state.detail(),
    });
  }

  /** Sends one email per site + period + kind; a refused recipient is logged, never fatal to the subscription. */
  private async notify(kind: string, message: EmailRequest): Promise<void> {
    try {
      await email.sendEmail({ ...message, idempotencyKey: `${this.periodKey()}:${kind}`, to: this.site.owner.email });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('subscription email not delivered', { siteId: this.state.siteId, kind, error: error.message });
    }
  }

  private periodKey(): string {
    return subscriptionPeriodKey(this.state.siteId, this.state.billing.periodStart);
  }

  private amount(): string {
    return formatMoney(this.site.amountCents, this.site.currency);
  }

  private billingUrl(): string {
    return subscriptionPageUrl(this.state.settings, this.state.siteId);
  }
}
