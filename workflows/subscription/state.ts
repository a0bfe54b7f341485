import type { SubscriptionSite, SubscriptionSnapshot } from '../../activities/subscriptions.js';
import {
  SUBSCRIPTION_FAILURES,
  type ActivationCheckout,
  type OwnerChange,
  type ProviderCancellationNotice,
  type SubscriptionCarry,
  type SubscriptionEvent,
  type SubscriptionInput,
  type SubscriptionPayment,
  type SubscriptionPaymentFailure,
  type SubscriptionSettings,
  type SubscriptionView,
} from './contract.js';

/** A request the subscription refuses: the failure type the API maps, and a sentence for the owner. */
export interface Rejection {
  type: (typeof SUBSCRIPTION_FAILURES)[keyof typeof SUBSCRIPTION_FAILURES];
  message: string;
}

/** What the workflow does when its deadline passes with nothing received. */
export type DeadlineAction =
  | { kind: 'none' }
  | { kind: 'end'; at: string }
  | { kind: 'renewal_missed' }
  | { kind: 'suspend' }
  | { kind: 'activation_lapsed' }
  | { kind: 'remind'; reminder: number; deadline: string };

/** What a confirmed, newly decided charge does: starts the next period, or is given back. */
export type PaymentDecision = { kind: 'refund'; reason: string } | { kind: 'apply' };

/** What applying a charge changed: the subscription it replaced (to stop at the provider), and whether to announce it. */
export interface AppliedPayment {
  replaced: string | null;
  announce: boolean;
  /** The end of the new period: the next billing date. */
  periodEnd: string;
}

/** What a declined charge does: store it as a failed payment, then open a grace period, save the detail, or nothing. */
export interface FailureOutcome {
  record: boolean;
  next: 'past_due' | 'save' | null;
  /** Why the failure changes no status: it is for another subscription, or older than the last payment. */
  ignored: 'other_subscription' | 'superseded' | null;
}

/**
 * What a cancellation does: nothing, schedule it for the period end, or end the subscription now. Ending now
 * announces it unless it was already announced as scheduled, and names the end of a paid period cut short (not refunded).
 */
export type CancelDecision =
  | { kind: 'none' }
  | { kind: 'schedule'; endsAt: string }
  | { kind: 'end_now'; endedAt: string; announce: boolean; paidUntil: string | null };

const MAX_REMEMBERED_EVENTS = 200;
const MAX_REMEMBERED_SUBSCRIPTIONS = 20;
/** A checkout closer than this to its expiry (or a quarter of its lifetime) is not handed out again. */
const MIN_CHECKOUT_LIFETIME_MS = 5 * 60_000;
/** Why a renewal deadline passing counts as a failed payment. */
export const RENEWAL_MISSED = 'No renewal payment arrived by the end of the billing period';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The decisions of one site's subscription, without I/O: what each payment, failure, cancellation and deadline does
 * to the billing state, which requests are refused, and what the status query shows. The workflow shell applies
 * its answers (activities, timers, emails) and carries `carry()` into the next run.
 */
export class SubscriptionState {
  readonly siteId: string;
  readonly settings: SubscriptionSettings;
  /** Events received and not yet applied, in arrival order. */
  readonly queue: SubscriptionEvent[];
  private snapshot: SubscriptionSnapshot;
  private periodsPaid: number;
  private checkout: ActivationCheckout | null;
  private lastPaymentFailure: string | null;
  private providerEnded: boolean;
  private activationAttempts: number;
  private readonly endedSubscriptionIds: string[];
  private readonly applied: string[];
  private activationRemindersSent: number;
  private lastPaidAt: string | null;
  private activationFrom: string | null;
  private readonly carried: boolean;
  private site: SubscriptionSite | null = null;

  constructor({ siteId, settings, carried }: SubscriptionInput) {
    this.siteId = siteId;
    this.settings = settings;
    this.carried = carried !== undefined;
    this.snapshot = carried?.billing ?? {
      status: 'pending_activation', providerSubscriptionId: null, periodStart: null, periodEnd: null, graceEndsAt: null, cancelAtPeriodEnd: false, cancelledAt: null,
    };
    this.periodsPaid = carried?.periodsPaid ?? 0;
    this.activationAttempts = carried?.activationAttempts ?? 0;
    this.checkout = carried?.checkout ?? null;
    this.lastPaymentFailure = carried?.lastPaymentFailure ?? null;
    this.providerEnded = carried?.providerEnded ?? false;
    this.endedSubscriptionIds = [...(carried?.endedSubscriptionIds ?? [])];
    this.applied = [...(carried?.applied ?? [])];
    this.queue = [...(carried?.pending ?? [])];
    this.activationRemindersSent = carried?.activationRemindersSent ?? 0;
    this.lastPaidAt = carried?.lastPaidAt ?? null;
    this.activationFrom = carried?.activationFrom ?? null;
  }

  /** Takes in the loaded site; the first run adopts the stored subscription. */
  load(site: SubscriptionSite): void {
    this.site = site;
    if (!this.carried) this.snapshot = site.stored;
  }

  /** The billing state as stored (a copy is written to the subscription row after each change). */
  get billing(): SubscriptionSnapshot {
    return this.snapshot;
  }

  /** What the API reads beside the snapshot: whether the provider ended the subscription, and the last failure. */
  detail(): { providerSubscriptionEnded: boolean; lastPaymentFailure: string | null } {
    return { providerSubscriptionEnded: this.providerEnded, lastPaymentFailure: this.lastPaymentFailure };
  }

  /** Until the first run has loaded the stored subscription, the state is not known (a carried one is). */
  get known(): boolean {
    return this.carried || this.site !== null;
  }

  /** A provider charge, queued unless this event or payment was already received. */
  receivePayment(payment: SubscriptionPayment): void {
    if (this.remember(`event:${payment.eventId}`, `paid:${payment.paymentIntentId}`)) this.queue.push({ kind: 'paid', payment });
  }

  /** A declined charge, queued unless this event or failed payment was already received. */
  receiveFailure(failure: SubscriptionPaymentFailure): void {
    const keys = [`event:${failure.eventId}`, ...(failure.paymentIntentId ? [`failed:${failure.paymentIntentId}`] : [])];
    if (this.remember(...keys)) this.queue.push({ kind: 'failed', failure });
  }

  /** The provider ended a subscription, queued unless this event was already received. */
  receiveProviderCancel(notice: ProviderCancellationNotice): void {
    if (this.remember(`event:${notice.eventId}`)) this.queue.push({ kind: 'provider_cancelled', notice });
  }

  /** The site changed hands, queued unless this change was already received. */
  receiveOwnerChange(change: OwnerChange): void {
    if (this.remember(`event:${change.eventId}`)) this.queue.push({ kind: 'owner_changed', change });
  }

  /**
   * The site changed hands at `now` (its new owner is loaded). A transfer ends the old owner's provider subscription
   * (answered, to stop at the provider; a charge on it is refunded from now on) and keeps the period they paid: the
   * site stays online, and the new owner's first payment starts its period where that one ends. A never-activated
   * site gives the new owner a fresh activation window. The old owner's open checkout is dropped.
   */
  changeOwner(site: SubscriptionSite, kind: OwnerChange['kind'], now: number): { stop: string | null } {
    this.site = site;
    this.checkout = null;
    const { billing } = this;
    if (billing.status === 'pending_activation') {
      this.activationFrom = iso(now);
      this.activationRemindersSent = 0;
    }
    if (kind !== 'transferred' || billing.providerSubscriptionId === null) return { stop: null };
    const stop = this.providerSubscriptionToStop();
    this.rememberEnded(billing.providerSubscriptionId);
    this.providerEnded = true;
    if (billing.status === 'active') this.snapshot = { ...billing, cancelAtPeriodEnd: false };
    return { stop };
  }

  /** The site left its owner's account: nothing is charged any more and the subscription is cancelled (from `endedAt`, unless it already was). */
  release(endedAt: string): void {
    this.checkout = null;
    if (this.billing.providerSubscriptionId) this.rememberEnded(this.billing.providerSubscriptionId);
    if (this.billing.status !== 'cancelled') this.end(endedAt);
  }

  /** What the status query answers. */
  view(): SubscriptionView {
    const { billing } = this;
    return {
      siteId: this.siteId,
      status: billing.status,
      periodStart: billing.periodStart,
      periodEnd: billing.periodEnd,
      nextBillingDate: this.nextBillingDate(),
      graceEndsAt: billing.graceEndsAt,
      cancelAtPeriodEnd: billing.cancelAtPeriodEnd,
      cancelledAt: billing.cancelledAt,
      providerSubscriptionId: billing.providerSubscriptionId,
      providerSubscriptionEnded: this.providerEnded,
      periodsPaid: this.periodsPaid,
      lastPaymentFailure: this.lastPaymentFailure,
      checkout: this.checkout,
    };
  }

  /** When the provider charges next; null when nothing will be charged. */
  nextBillingDate(): string | null {
    const { billing } = this;
    return billing.status === 'active' && !billing.cancelAtPeriodEnd && !this.providerEnded ? billing.periodEnd : null;
  }

  /** Why a new activation checkout is refused (an active subscription that will renew), or null. */
  checkoutRejection(): Rejection | null {
    return this.checkoutAllowed() ? null : { type: SUBSCRIPTION_FAILURES.alreadyActive, message: 'The subscription is already active' };
  }

  /** Why a cancellation is refused (nothing to cancel), or null. */
  cancelRejection(): Rejection | null {
    if (this.billing.status === 'pending_activation') return { type: SUBSCRIPTION_FAILURES.notActive, message: 'There is no active subscription to cancel' };
    if (this.billing.status === 'cancelled') return { type: SUBSCRIPTION_FAILURES.alreadyCancelled, message: 'The subscription is already cancelled' };
    return null;
  }

  /** Why taking back a cancellation is refused (none pending, or only a new checkout can renew), or null. */
  undoRejection(): Rejection | null {
    if (this.billing.status === 'pending_activation') return { type: SUBSCRIPTION_FAILURES.notStarted, message: 'The subscription has never been active' };
    if (this.checkoutAllowed()) return { type: SUBSCRIPTION_FAILURES.needsCheckout, message: 'The subscription has lapsed; only a new checkout starts it again' };
    if (!this.billing.cancelAtPeriodEnd) return { type: SUBSCRIPTION_FAILURES.notCancelling, message: 'The subscription is active and not being cancelled' };
    return null;
  }

  /** The open checkout, when it lives long enough to hand out again. */
  reusableCheckout(now: number): ActivationCheckout | null {
    const { checkout } = this;
    if (checkout && Date.parse(checkout.expiresAt) - now > Math.min(MIN_CHECKOUT_LIFETIME_MS, this.settings.checkoutExpiryMs / 4)) return checkout;
    return null;
  }

  /** Queues a change an owner asked for (through an update). */
  request(event: SubscriptionEvent): void {
    this.queue.push(event);
  }

  /** Keeps the checkout the provider opened, until it is paid or replaced. */
  checkoutOpened(checkout: ActivationCheckout): void {
    this.checkout = checkout;
  }

  /** Counts a new activation checkout attempt and answers its number (part of its idempotency key). */
  nextActivationAttempt(): number {
    this.activationAttempts += 1;
    return this.activationAttempts;
  }

  /** When the workflow acts on its own if nothing arrives: the renewal deadline, the period end of a cancellation, the grace end, or the activation deadline. */
  currentDeadline(): number | null {
    const { billing } = this;
    if (billing.status === 'active' && billing.periodEnd) {
      return Date.parse(billing.periodEnd) + (billing.cancelAtPeriodEnd ? 0 : this.settings.renewalSlackMs);
    }
    if (billing.status === 'past_due' && billing.graceEndsAt) return Date.parse(billing.graceEndsAt);
    return this.activationDeadline()?.at ?? null;
  }

  /** What the passing of `currentDeadline()` does. */
  deadlineAction(): DeadlineAction {
    const { billing } = this;
    if (billing.status === 'active' && billing.cancelAtPeriodEnd && billing.periodEnd) return { kind: 'end', at: billing.periodEnd };
    if (billing.status === 'active') return { kind: 'renewal_missed' };
    if (billing.status === 'past_due') return { kind: 'suspend' };
    const due = this.activationDeadline();
    if (!due) return { kind: 'none' };
    if (due.reminder === null) return { kind: 'activation_lapsed' };
    return { kind: 'remind', reminder: due.reminder, deadline: iso(due.deadline) };
  }

  /** Records that activation reminder number `reminder` went out. */
  reminderSent(reminder: number): void {
    this.activationRemindersSent = reminder;
  }

  /** A confirmed charge the payments table let through: refunded when nothing should have been charged, else applied. */
  paymentDecision(payment: SubscriptionPayment): PaymentDecision {
    const { billing } = this;
    const sameSubscription = payment.subscriptionId === billing.providerSubscriptionId;
    const chargedAfterCancel = sameSubscription && ((billing.status === 'active' && billing.cancelAtPeriodEnd) || billing.status === 'cancelled');
    if (chargedAfterCancel || this.endedSubscriptionIds.includes(payment.subscriptionId)) {
      return { kind: 'refund', reason: 'the subscription was ending when it was charged' };
    }
    return { kind: 'apply' };
  }

  /** Starts the next paid period (renewal, restoration or activation) at `now`. */
  applyPayment(payment: SubscriptionPayment, now: number): AppliedPayment {
    const current = this.billing.providerSubscriptionId;
    const sameSubscription = payment.subscriptionId === current;
    const start = this.nextPeriodStart(now, sameSubscription);
    const previous = this.billing.status;
    const replaced = !sameSubscription && current !== null && !this.providerEnded ? current : null;
    if (!sameSubscription && current !== null) this.rememberEnded(current);
    if (!sameSubscription) this.providerEnded = false;
    this.snapshot = {
      status: 'active',
      providerSubscriptionId: payment.subscriptionId,
      periodStart: iso(start),
      periodEnd: iso(start + this.settings.billingPeriodMs),
      graceEndsAt: null,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
    };
    this.periodsPaid += 1;
    this.lastPaidAt = payment.paidAt;
    this.checkout = null;
    this.lastPaymentFailure = null;
    return { replaced, announce: previous !== 'active' || !sameSubscription, periodEnd: this.paidUntil() };
  }

  /** Takes in a declined charge. A failure older than the last payment (delivered late) is history: recorded, nothing more. */
  applyFailure(failure: SubscriptionPaymentFailure): FailureOutcome {
    const superseded = this.lastPaidAt !== null && Date.parse(failure.failedAt) < Date.parse(this.lastPaidAt);
    const reasonChanged = !superseded && failure.reason !== this.lastPaymentFailure;
    if (!superseded) this.lastPaymentFailure = failure.reason;
    const saveIfChanged = reasonChanged ? 'save' : null;
    if (failure.subscriptionId === null) return { record: false, next: saveIfChanged, ignored: null };
    if (failure.subscriptionId !== this.billing.providerSubscriptionId) return { record: false, next: saveIfChanged, ignored: 'other_subscription' };
    const record = Boolean(failure.paymentIntentId);
    if (superseded) return { record, next: null, ignored: 'superseded' };
    // Later failures (the provider's retries) change nothing: the grace period runs from the first one.
    if (this.billing.status === 'active' && !this.billing.cancelAtPeriodEnd) return { record, next: 'past_due', ignored: null };
    return { record, next: saveIfChanged, ignored: null };
  }

  /** The period ended without a renewal: counts as a failed payment. */
  renewalMissed(now: number): string {
    this.lastPaymentFailure = RENEWAL_MISSED;
    return this.markPastDue(now);
  }

  /** Opens the grace period at `now`; answers when it ends. */
  markPastDue(now: number): string {
    const graceEndsAt = iso(now + this.settings.gracePeriodMs);
    this.snapshot = { ...this.billing, status: 'past_due', graceEndsAt };
    return graceEndsAt;
  }

  /** Takes the site offline until a payment arrives. */
  suspend(): void {
    this.snapshot = { ...this.billing, status: 'suspended', graceEndsAt: null };
  }

  /** The owner cancels at the period end or now; a scheduled cancellation is marked here, an immediate one is left to `end`. */
  cancel(atPeriodEnd: boolean, now: number): CancelDecision {
    const { billing } = this;
    if (billing.status === 'pending_activation' || billing.status === 'cancelled') return { kind: 'none' };
    if (billing.status === 'active' && atPeriodEnd) {
      if (billing.cancelAtPeriodEnd) return { kind: 'none' };
      this.snapshot = { ...billing, cancelAtPeriodEnd: true };
      return { kind: 'schedule', endsAt: this.paidUntil() };
    }
    // Immediate, or the paid period is already over (past due, suspended): it ends now.
    const cutShort = billing.status === 'active' && billing.periodEnd !== null && Date.parse(billing.periodEnd) > now;
    return { kind: 'end_now', endedAt: iso(now), announce: !billing.cancelAtPeriodEnd, paidUntil: cutShort ? billing.periodEnd : null };
  }

  /** The provider subscription to stop before the subscription ends, if it may still charge. */
  providerSubscriptionToStop(): string | null {
    return this.billing.providerSubscriptionId && !this.providerEnded ? this.billing.providerSubscriptionId : null;
  }

  /** The provider answered a stop: a refused one may still charge, so it does not count as ended. */
  providerStopped(subscriptionId: string, refused: boolean): void {
    if (subscriptionId === this.billing.providerSubscriptionId && !refused) this.providerEnded = true;
    this.rememberEnded(subscriptionId);
  }

  /** The subscription ends at `endedAt` (the site goes offline as cancelled). */
  end(endedAt: string): void {
    this.snapshot = { ...this.billing, status: 'cancelled', cancelAtPeriodEnd: false, cancelledAt: endedAt, graceEndsAt: null };
  }

  /** Takes back a pending cancellation; refused (as a no-op) when the provider already ended the subscription. */
  undoCancellation(): { kind: 'none' | 'provider_ended' } | { kind: 'undone'; nextBillingDate: string } {
    if (this.billing.status !== 'active' || !this.billing.cancelAtPeriodEnd) return { kind: 'none' };
    if (this.providerEnded) return { kind: 'provider_ended' };
    this.snapshot = { ...this.billing, cancelAtPeriodEnd: false };
    return { kind: 'undone', nextBillingDate: this.paidUntil() };
  }

  /** The provider ended a subscription: an active one runs out with its paid period; anything else only stores the fact. */
  providerCancelled(notice: ProviderCancellationNotice): { kind: 'none' | 'save' } | { kind: 'cancelling'; endsAt: string } {
    if (notice.subscriptionId !== this.billing.providerSubscriptionId) return { kind: 'none' };
    const alreadyEnded = this.providerEnded;
    this.providerEnded = true;
    if (this.billing.status === 'active' && !this.billing.cancelAtPeriodEnd) {
      this.snapshot = { ...this.billing, cancelAtPeriodEnd: true };
      return { kind: 'cancelling', endsAt: this.paidUntil() };
    }
    return { kind: alreadyEnded ? 'none' : 'save' };
  }

  /** What the next run starts from. */
  carry(): SubscriptionCarry {
    return {
      billing: this.billing,
      periodsPaid: this.periodsPaid,
      activationAttempts: this.activationAttempts,
      checkout: this.checkout,
      lastPaymentFailure: this.lastPaymentFailure,
      providerEnded: this.providerEnded,
      endedSubscriptionIds: this.endedSubscriptionIds,
      applied: this.applied,
      pending: this.queue,
      activationRemindersSent: this.activationRemindersSent,
      lastPaidAt: this.lastPaidAt,
      ...(this.activationFrom ? { activationFrom: this.activationFrom } : {}),
    };
  }

  /** The end of the paid period of an active subscription (always set once a payment started one). */
  private paidUntil(): string {
    if (this.billing.periodEnd === null) throw new Error(`subscription of site ${this.siteId} has no paid period`);
    return this.billing.periodEnd;
  }

  /** A new checkout is refused only while the provider will still renew the paid period. */
  private checkoutAllowed(): boolean {
    return this.billing.status !== 'active' || this.providerEnded;
  }

  private remember(...keys: string[]): boolean {
    if (keys.some((key) => this.applied.includes(key))) return false;
    this.applied.push(...keys);
    this.applied.splice(0, Math.max(0, this.applied.length - MAX_REMEMBERED_EVENTS));
    return true;
  }

  private rememberEnded(subscriptionId: string): void {
    if (this.endedSubscriptionIds.includes(subscriptionId)) return;
    this.endedSubscriptionIds.push(subscriptionId);
    this.endedSubscriptionIds.splice(0, Math.max(0, this.endedSubscriptionIds.length - MAX_REMEMBERED_SUBSCRIPTIONS));
  }

  /** Renewals never lose paid days; a provider retry keeps its schedule; anything else starts now. */
  private nextPeriodStart(now: number, sameSubscription: boolean): number {
    const { billing } = this;
    const end = billing.periodEnd === null ? null : Date.parse(billing.periodEnd);
    if (end !== null && billing.status === 'active') return Math.max(now, end);
    if (end !== null && billing.status === 'past_due' && sameSubscription && end + this.settings.billingPeriodMs > now) return end;
    return now;
  }

  /** The next activation reminder or, after the last one, the activation deadline of a bought site never activated. */
  private activationDeadline(): { at: number; reminder: number | null; deadline: number } | null {
    const { activationDeadlineMs, activationRemindersMs } = this.settings;
    const from = this.activationFrom ?? this.site?.purchasedAt;
    if (this.billing.status !== 'pending_activation' || activationDeadlineMs === undefined || !from) return null;
    const purchasedAt = Date.parse(from);
    const deadline = purchasedAt + activationDeadlineMs;
    const reminders = [...(activationRemindersMs ?? [])].filter((ms) => ms < activationDeadlineMs).sort((a, b) => a - b);
    const next = reminders[this.activationRemindersSent];
    if (next !== undefined) return { at: purchasedAt + next, reminder: this.activationRemindersSent + 1, deadline };
    return { at: deadline, reminder: null, deadline };
  }
}
