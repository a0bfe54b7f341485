import { describe, expect, it } from 'vitest';
import type { SubscriptionSite } from '../../../activities/subscriptions.js';
import { SUBSCRIPTION_FAILURES, type SubscriptionPayment, type SubscriptionPaymentFailure, type SubscriptionSettings } from '../../../workflows/subscription/contract.js';
import { RENEWAL_MISSED, SubscriptionState } from '../../../workflows/subscription/state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2027-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const SETTINGS: SubscriptionSettings = {
  billingPeriodMs: 30 * DAY,
  gracePeriodMs: 7 * DAY,
  renewalSlackMs: 2 * DAY,
  checkoutExpiryMs: HOUR,
  publicBaseUrl: 'http://webmagic.test',
  activationDeadlineMs: 14 * DAY,
  activationRemindersMs: [13 * DAY, 7 * DAY, 20 * DAY],
};

function site(purchasedAt: string | null = iso(T0)): SubscriptionSite {
  return {
    siteId: 'site-1',
    slug: 'plumber-joe',
    title: 'Joe the Plumber',
    amountCents: 9500,
    currency: 'USD',
    owner: { customerId: 'cus-1', email: 'joe@example.com', name: 'Joe' },
    purchasedAt,
    stored: { status: 'pending_activation', providerSubscriptionId: null, periodStart: null, periodEnd: null, graceEndsAt: null, cancelAtPeriodEnd: false, cancelledAt: null },
  };
}

let sequence = 0;
function payment(subscriptionId = 'su_1', paidAt = T0): SubscriptionPayment {
  sequence += 1;
  return { eventId: `msg_${sequence}`, paymentIntentId: `pa_${sequence}`, subscriptionId, checkoutId: null, amountCents: 9500, currency: 'USD', paidAt: iso(paidAt) };
}

function failure(subscriptionId: string | null = 'su_1', failedAt = T0, reason = 'card declined'): SubscriptionPaymentFailure {
  sequence += 1;
  return { eventId: `msg_${sequence}`, paymentIntentId: `pa_${sequence}`, subscriptionId, amountCents: 9500, currency: 'USD', reason, failedAt: iso(failedAt) };
}

/** A loaded, not yet activated subscription. */
function pending(): SubscriptionState {
  const state = new SubscriptionState({ siteId: 'site-1', settings: SETTINGS });
  state.load(site());
  return state;
}

/** A subscription activated at T0 on provider subscription `su_1`. */
function active(): SubscriptionState {
  const state = pending();
  state.applyPayment(payment('su_1', T0), T0);
  return state;
}

describe('SubscriptionState: receiving events', () => {
  it('queues each payment once, whether redelivered with the same event id or as another event for the same payment', () => {
    const state = pending();
    const paid = payment();
    state.receivePayment(paid);
    state.receivePayment(paid);
    state.receivePayment({ ...paid, eventId: 'msg_other_family' });
    expect(state.queue).toEqual([{ kind: 'paid', payment: paid }]);
  });

  it('queues each failure and provider cancellation once', () => {
    const state = pending();
    const failed = failure();
    state.receiveFailure(failed);
    state.receiveFailure({ ...failed, eventId: 'msg_again' });
    state.receiveProviderCancel({ eventId: 'msg_cancel', subscriptionId: 'su_1' });
    state.receiveProviderCancel({ eventId: 'msg_cancel', subscriptionId: 'su_1' });
    expect(state.queue.map((event) => event.kind)).toEqual(['failed', 'provider_cancelled']);
  });

  it('is not known until the first run loads the stored subscription; a carried one is known at once', () => {
    const fresh = new SubscriptionState({ siteId: 'site-1', settings: SETTINGS });
    expect(fresh.known).toBe(false);
    fresh.load(site());
    expect(fresh.known).toBe(true);
    expect(new SubscriptionState({ siteId: 'site-1', settings: SETTINGS, carried: active().carry() }).known).toBe(true);
  });
});

describe('SubscriptionState: payments', () => {
  it('activates on the first payment: a period from now, announced, checkout cleared', () => {
    const state = pending();
    state.checkoutOpened({ checkoutId: 'ch_1', checkoutUrl: 'http://pay', expiresAt: iso(T0 + HOUR) });
    const applied = state.applyPayment(payment('su_1', T0), T0);
    expect(applied).toEqual({ replaced: null, announce: true, periodEnd: iso(T0 + 30 * DAY) });
    expect(state.view()).toMatchObject({
      status: 'active', periodStart: iso(T0), periodEnd: iso(T0 + 30 * DAY), nextBillingDate: iso(T0 + 30 * DAY), periodsPaid: 1, checkout: null, providerSubscriptionId: 'su_1',
    });
  });

  it('renews from the end of the paid period, never losing paid days, without announcing it', () => {
    const state = active();
    const applied = state.applyPayment(payment('su_1', T0 + 29 * DAY), T0 + 29 * DAY);
    expect(applied.announce).toBe(false);
    expect(state.view()).toMatchObject({ periodStart: iso(T0 + 30 * DAY), periodEnd: iso(T0 + 60 * DAY), periodsPaid: 2 });
  });

  it('keeps the schedule when the provider retry pays during grace, and restarts from now once a whole period was missed', () => {
    const inGrace = active();
    inGrace.markPastDue(T0 + 30 * DAY);
    inGrace.applyPayment(payment('su_1'), T0 + 33 * DAY);
    expect(inGrace.view()).toMatchObject({ status: 'active', periodStart: iso(T0 + 30 * DAY), graceEndsAt: null, lastPaymentFailure: null });

    const late = active();
    late.markPastDue(T0 + 30 * DAY);
    late.applyPayment(payment('su_1'), T0 + 61 * DAY);
    expect(late.view().periodStart).toBe(iso(T0 + 61 * DAY));
  });

  it('replaces a subscription the provider may still charge, and refunds a later charge on the replaced one', () => {
    const state = active();
    state.suspend();
    const applied = state.applyPayment(payment('su_2'), T0 + 40 * DAY);
    expect(applied).toMatchObject({ replaced: 'su_1', announce: true });
    expect(state.view()).toMatchObject({ providerSubscriptionId: 'su_2', periodStart: iso(T0 + 40 * DAY) });
    expect(state.paymentDecision(payment('su_1'))).toEqual({ kind: 'refund', reason: 'the subscription was ending when it was charged' });
    expect(state.paymentDecision(payment('su_2'))).toEqual({ kind: 'apply' });
  });

  it('does not stop a replaced subscription the provider already ended', () => {
    const state = active();
    state.providerCancelled({ eventId: 'msg_gone', subscriptionId: 'su_1' });
    state.end(iso(T0 + 30 * DAY));
    expect(state.applyPayment(payment('su_2'), T0 + 31 * DAY).replaced).toBeNull();
    expect(state.view().providerSubscriptionEnded).toBe(false);
  });

  it('refunds a charge on the same subscription while it is being cancelled or after it ended', () => {
    const cancelling = active();
    cancelling.cancel(true, T0 + DAY);
    expect(cancelling.paymentDecision(payment('su_1')).kind).toBe('refund');

    const cancelled = active();
    cancelled.cancel(false, T0 + DAY);
    cancelled.end(iso(T0 + DAY));
    expect(cancelled.paymentDecision(payment('su_1')).kind).toBe('refund');
  });
});

describe('SubscriptionState: failed payments', () => {
  it('opens a 7-day grace period on the first failure of an active subscription, and records the attempt', () => {
    const state = active();
    expect(state.applyFailure(failure('su_1', T0 + 30 * DAY))).toEqual({ record: true, next: 'past_due', ignored: null });
    expect(state.markPastDue(T0 + 30 * DAY)).toBe(iso(T0 + 37 * DAY));
    expect(state.view()).toMatchObject({ status: 'past_due', graceEndsAt: iso(T0 + 37 * DAY), nextBillingDate: null, lastPaymentFailure: 'card declined' });
  });

  it('lets later failures (the provider retries) move nothing; a new reason is stored', () => {
    const state = active();
    state.applyFailure(failure('su_1', T0 + 30 * DAY));
    state.markPastDue(T0 + 30 * DAY);
    expect(state.applyFailure(failure('su_1', T0 + 33 * DAY))).toEqual({ record: true, next: null, ignored: null });
    expect(state.applyFailure(failure('su_1', T0 + 35 * DAY, 'insufficient funds'))).toEqual({ record: true, next: 'save', ignored: null });
    expect(state.view()).toMatchObject({ graceEndsAt: iso(T0 + 37 * DAY), lastPaymentFailure: 'insufficient funds' });
  });

  it('records a failure made before the last payment (delivered late) but opens no grace period and keeps no reason', () => {
    const state = active();
    state.applyPayment(payment('su_1', T0 + 31 * DAY), T0 + 31 * DAY);
    expect(state.applyFailure(failure('su_1', T0 + 30 * DAY))).toEqual({ record: true, next: null, ignored: 'superseded' });
    expect(state.view()).toMatchObject({ status: 'active', lastPaymentFailure: null });
  });

  it('ignores a failure on another subscription and a declined activation checkout, storing only the reason', () => {
    const state = active();
    expect(state.applyFailure(failure('su_old'))).toEqual({ record: false, next: 'save', ignored: 'other_subscription' });
    expect(state.applyFailure(failure(null))).toEqual({ record: false, next: null, ignored: null });
    expect(state.applyFailure(failure(null, T0, 'expired card'))).toEqual({ record: false, next: 'save', ignored: null });
    expect(state.view().status).toBe('active');
  });
});

describe('SubscriptionState: deadlines', () => {
  it('waits for the renewal until period end + slack, then treats the missing renewal as a failure', () => {
    const state = active();
    expect(state.currentDeadline()).toBe(T0 + 32 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'renewal_missed' });
    expect(state.renewalMissed(T0 + 32 * DAY)).toBe(iso(T0 + 39 * DAY));
    expect(state.view()).toMatchObject({ status: 'past_due', lastPaymentFailure: RENEWAL_MISSED });
  });

  it('suspends when grace runs out', () => {
    const state = active();
    state.markPastDue(T0 + 30 * DAY);
    expect(state.currentDeadline()).toBe(T0 + 37 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'suspend' });
    state.suspend();
    expect(state.view()).toMatchObject({ status: 'suspended', graceEndsAt: null });
    expect(state.currentDeadline()).toBeNull();
  });

  it('ends a scheduled cancellation exactly at the period end', () => {
    const state = active();
    state.cancel(true, T0 + DAY);
    expect(state.currentDeadline()).toBe(T0 + 30 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'end', at: iso(T0 + 30 * DAY) });
  });

  it('reminds a never-activated owner at the configured days (in order, only those before the deadline), then lapses', () => {
    const state = pending();
    expect(state.currentDeadline()).toBe(T0 + 7 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'remind', reminder: 1, deadline: iso(T0 + 14 * DAY) });
    state.reminderSent(1);
    expect(state.currentDeadline()).toBe(T0 + 13 * DAY);
    expect(state.deadlineAction()).toMatchObject({ kind: 'remind', reminder: 2 });
    state.reminderSent(2);
    expect(state.currentDeadline()).toBe(T0 + 14 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'activation_lapsed' });
  });

  it('has no activation deadline without a purchase date or a configured deadline', () => {
    const unbought = new SubscriptionState({ siteId: 'site-1', settings: SETTINGS });
    unbought.load(site(null));
    expect(unbought.currentDeadline()).toBeNull();
    expect(unbought.deadlineAction()).toEqual({ kind: 'none' });
    const { activationDeadlineMs: _none, ...withoutDeadline } = SETTINGS;
    const relaxed = new SubscriptionState({ siteId: 'site-1', settings: withoutDeadline });
    relaxed.load(site());
    expect(relaxed.currentDeadline()).toBeNull();
  });
});

describe('SubscriptionState: cancel, undo and provider cancellation', () => {
  it('schedules a cancellation at the period end once, and stops announcing the next billing date', () => {
    const state = active();
    expect(state.cancel(true, T0 + DAY)).toEqual({ kind: 'schedule', endsAt: iso(T0 + 30 * DAY) });
    expect(state.cancel(true, T0 + 2 * DAY)).toEqual({ kind: 'none' });
    expect(state.view()).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, nextBillingDate: null });
  });

  it('ends now when asked, announcing it unless a scheduled cancellation already was, and names the paid days cut short', () => {
    expect(active().cancel(false, T0 + DAY)).toEqual({ kind: 'end_now', endedAt: iso(T0 + DAY), announce: true, paidUntil: iso(T0 + 30 * DAY) });
    const scheduled = active();
    scheduled.cancel(true, T0 + DAY);
    expect(scheduled.cancel(false, T0 + 2 * DAY)).toEqual({ kind: 'end_now', endedAt: iso(T0 + 2 * DAY), announce: false, paidUntil: iso(T0 + 30 * DAY) });
  });

  it('ends a past-due subscription now even when asked for the period end (the paid period is over, nothing is cut short)', () => {
    const state = active();
    state.markPastDue(T0 + 30 * DAY);
    expect(state.cancel(true, T0 + 31 * DAY)).toMatchObject({ kind: 'end_now', paidUntil: null });
  });

  it('cancels nothing that never started or already ended', () => {
    expect(pending().cancel(false, T0)).toEqual({ kind: 'none' });
    const ended = active();
    ended.end(iso(T0 + DAY));
    expect(ended.cancel(false, T0 + 2 * DAY)).toEqual({ kind: 'none' });
    expect(ended.view()).toMatchObject({ status: 'cancelled', cancelledAt: iso(T0 + DAY), cancelAtPeriodEnd: false });
  });

  it('stops the provider before ending unless the provider already ended it; a refused stop does not count as ended', () => {
    const state = active();
    expect(state.providerSubscriptionToStop()).toBe('su_1');
    state.providerStopped('su_1', true);
    expect(state.view().providerSubscriptionEnded).toBe(false);
    state.providerStopped('su_1', false);
    expect(state.view().providerSubscriptionEnded).toBe(true);
    expect(state.providerSubscriptionToStop()).toBeNull();
  });

  it('takes back a pending cancellation, but not once the provider ended the subscription', () => {
    const state = active();
    expect(state.undoCancellation()).toEqual({ kind: 'none' });
    state.cancel(true, T0 + DAY);
    expect(state.undoCancellation()).toEqual({ kind: 'undone', nextBillingDate: iso(T0 + 30 * DAY) });
    expect(state.view().nextBillingDate).toBe(iso(T0 + 30 * DAY));

    const ended = active();
    ended.providerCancelled({ eventId: 'msg_gone', subscriptionId: 'su_1' });
    expect(ended.undoCancellation()).toEqual({ kind: 'provider_ended' });
  });

  it('lets a provider cancellation run the paid period out; on a lapsed one it only stores the fact, once', () => {
    const state = active();
    expect(state.providerCancelled({ eventId: 'a', subscriptionId: 'su_other' })).toEqual({ kind: 'none' });
    expect(state.providerCancelled({ eventId: 'b', subscriptionId: 'su_1' })).toEqual({ kind: 'cancelling', endsAt: iso(T0 + 30 * DAY) });
    expect(state.view()).toMatchObject({ cancelAtPeriodEnd: true, providerSubscriptionEnded: true });

    const pastDue = active();
    pastDue.markPastDue(T0 + 30 * DAY);
    expect(pastDue.providerCancelled({ eventId: 'c', subscriptionId: 'su_1' })).toEqual({ kind: 'save' });
    expect(pastDue.providerCancelled({ eventId: 'd', subscriptionId: 'su_1' })).toEqual({ kind: 'none' });
  });
});

describe('SubscriptionState: refusals and checkout', () => {
  it('refuses what the API answers with 409', () => {
    expect(pending().cancelRejection()?.type).toBe(SUBSCRIPTION_FAILURES.notActive);
    expect(pending().undoRejection()?.type).toBe(SUBSCRIPTION_FAILURES.notStarted);
    expect(pending().checkoutRejection()).toBeNull();
    const running = active();
    expect(running.checkoutRejection()?.type).toBe(SUBSCRIPTION_FAILURES.alreadyActive);
    expect(running.undoRejection()?.type).toBe(SUBSCRIPTION_FAILURES.notCancelling);
    expect(running.cancelRejection()).toBeNull();
    running.cancel(true, T0 + DAY);
    expect(running.undoRejection()).toBeNull();
    running.providerStopped('su_1', false);
    expect(running.undoRejection()?.type).toBe(SUBSCRIPTION_FAILURES.needsCheckout);
    expect(running.checkoutRejection()).toBeNull();
    running.end(iso(T0 + 30 * DAY));
    expect(running.cancelRejection()?.type).toBe(SUBSCRIPTION_FAILURES.alreadyCancelled);
  });

  it('hands the open checkout out again only while it has a useful lifetime left, and numbers each new attempt', () => {
    const state = pending();
    state.checkoutOpened({ checkoutId: 'ch_1', checkoutUrl: 'http://pay', expiresAt: iso(T0 + HOUR) });
    expect(state.reusableCheckout(T0)?.checkoutId).toBe('ch_1');
    expect(state.reusableCheckout(T0 + HOUR - 60_000)).toBeNull();
    expect([state.nextActivationAttempt(), state.nextActivationAttempt()]).toEqual([1, 2]);
  });
});

describe('SubscriptionState: continue-as-new', () => {
  it('carries everything the next run needs, pending events and dedupe keys included', () => {
    const state = active();
    state.cancel(true, T0 + DAY);
    const paid = payment('su_1');
    state.receivePayment(paid);
    state.nextActivationAttempt();
    const next = new SubscriptionState({ siteId: 'site-1', settings: SETTINGS, carried: structuredClone(state.carry()) });
    expect(next.view()).toEqual(state.view());
    expect(next.queue).toEqual([{ kind: 'paid', payment: paid }]);
    next.receivePayment(paid);
    expect(next.queue).toHaveLength(1);
    expect(next.nextActivationAttempt()).toBe(2);
    expect(next.paymentDecision(paid).kind).toBe('refund');
  });
});

describe('SubscriptionState: the site changes hands', () => {
  const newOwner = { ...site(), owner: { customerId: 'cus-2', email: 'rita@example.com', name: 'Rita' } };

  it('a transfer stops the old provider subscription, keeps the paid period and lets the new owner pay from its end', () => {
    const state = active();
    const paidUntil = state.billing.periodEnd!;
    expect(state.checkoutRejection()?.type).toBe(SUBSCRIPTION_FAILURES.alreadyActive);
    expect(state.changeOwner(newOwner, 'transferred', T0 + 10 * DAY)).toEqual({ stop: 'su_1' });
    expect(state.billing).toMatchObject({ status: 'active', periodEnd: paidUntil, cancelAtPeriodEnd: false });
    expect(state.view()).toMatchObject({ nextBillingDate: null, providerSubscriptionEnded: true });
    expect(state.checkoutRejection()).toBeNull();
    // A late charge on the old owner's subscription is given back; the new owner's first period starts where the paid one ends.
    expect(state.paymentDecision(payment('su_1', T0 + 11 * DAY))).toMatchObject({ kind: 'refund' });
    const applied = state.applyPayment(payment('su_2', T0 + 12 * DAY), T0 + 12 * DAY);
    expect(state.billing).toMatchObject({ status: 'active', providerSubscriptionId: 'su_2', periodStart: paidUntil });
    expect(applied).toEqual({ replaced: null, announce: true, periodEnd: iso(Date.parse(paidUntil) + 30 * DAY) });
  });

  it('without the new owner paying, the paid period runs out into the usual grace period', () => {
    const state = active();
    state.changeOwner(newOwner, 'transferred', T0 + 10 * DAY);
    expect(state.currentDeadline()).toBe(T0 + 30 * DAY + 2 * DAY);
    expect(state.deadlineAction()).toEqual({ kind: 'renewal_missed' });
  });

  it('a never-activated site gives the new owner a fresh activation window; a link reloads the owner only', () => {
    const state = pending();
    expect(state.currentDeadline()).toBe(T0 + 7 * DAY);
    expect(state.changeOwner(newOwner, 'linked', T0 + 20 * DAY)).toEqual({ stop: null });
    expect(state.currentDeadline()).toBe(T0 + 27 * DAY);
    expect(state.carry().activationFrom).toBe(iso(T0 + 20 * DAY));
  });

  it('a removal cancels the subscription whatever its status and remembers the provider subscription as ended', () => {
    const state = active();
    state.release(iso(T0 + 5 * DAY));
    expect(state.billing).toMatchObject({ status: 'cancelled', cancelledAt: iso(T0 + 5 * DAY) });
    expect(state.paymentDecision(payment('su_1', T0 + 6 * DAY))).toMatchObject({ kind: 'refund' });
    const never = pending();
    never.release(iso(T0));
    expect(never.billing.status).toBe('cancelled');
    expect(never.currentDeadline()).toBeNull();
  });
});
