import { describe, expect, it } from 'vitest';
import { CLAIM_FAILURES, type ClaimPayment } from '../../../workflows/claim/contract.js';
import { ClaimProgress, isFinal, paymentOutcome } from '../../../workflows/claim/state.js';

const ana = { email: 'ana@example.com', name: 'Ana' };
const bob = { email: 'bob@example.com', name: 'Bob' };
const checkout = { checkoutId: 'ch_1', checkoutUrl: 'http://pay/ch_1', expiresAt: '2027-01-01T01:00:00.000Z' };

function payment(eventId: string): ClaimPayment {
  return { eventId, paymentIntentId: `pa_${eventId}`, checkoutId: 'ch_1', amountCents: 49500, currency: 'USD', paidAt: '2027-01-01T00:30:00.000Z', claimant: ana };
}

describe('ClaimProgress: events', () => {
  it('queues each payment event once and shows the latest decline to the claimant', () => {
    const progress = new ClaimProgress();
    progress.receivePayment(payment('msg_1'));
    progress.receivePayment(payment('msg_1'));
    progress.receivePayment(payment('msg_2'));
    expect(progress.pending.map((p) => p.eventId)).toEqual(['msg_1', 'msg_2']);

    progress.receiveFailure({ eventId: 'msg_3', checkoutId: 'ch_1', reason: 'card declined' });
    progress.receiveFailure({ eventId: 'msg_3', checkoutId: 'ch_1', reason: 'redelivered, ignored' });
    expect(progress.state().lastPaymentFailure).toBe('card declined');
  });

  it('forgets the oldest event ids beyond its bound (100)', () => {
    const progress = new ClaimProgress();
    for (let i = 0; i <= 100; i += 1) progress.receiveFailure({ eventId: `msg_${i}`, checkoutId: null, reason: `r${i}` });
    progress.receivePayment(payment('msg_0'));
    progress.receivePayment(payment('msg_100'));
    expect(progress.pending.map((p) => p.eventId)).toEqual(['msg_0']);
  });
});

describe('ClaimProgress: cancelled or declined checkouts', () => {
  it('asks for the site to be released when the card is declined', () => {
    const progress = new ClaimProgress();
    expect(progress.releaseRequested).toBe(false);
    progress.receiveFailure({ eventId: 'msg_1', checkoutId: 'ch_1', reason: 'card declined' });
    expect(progress.releaseRequested).toBe(true);
  });

  it('lets only the holder of the cancel token cancel, and only while the checkout is open', () => {
    const progress = new ClaimProgress();
    const notCancellable = (message: string) => ({ type: CLAIM_FAILURES.notCancellable, message });
    progress.setCancelToken('tok-1');
    expect(progress.cancelRejection('tok-1')).toEqual(notCancellable('This checkout is no longer open, so there is nothing to cancel'));
    progress.setStatus('awaiting_payment');
    expect(progress.cancelRejection('guessed')).toEqual(notCancellable('This cancel link is not valid'));
    expect(progress.cancelRejection('tok-1')).toBeNull();
    progress.receivePayment(payment('msg_2'));
    expect(progress.cancelRejection('tok-1')).toEqual(notCancellable('This checkout is no longer open, so there is nothing to cancel'));
    progress.cancel();
    expect(progress.releaseRequested).toBe(true);
  });

  it('ends in cancelled, whatever the site', () => {
    const progress = new ClaimProgress();
    progress.setStatus('cancelled');
    expect(isFinal('cancelled')).toBe(true);
    expect(progress.finalStatus('preview')).toBe('cancelled');
    expect(progress.checkoutRejection(bob)?.type).toBe(CLAIM_FAILURES.notAvailable);
  });
});

describe('ClaimProgress: holding the site for one claimant', () => {
  it('holds the site for the first claimant, answers them again, and refuses anyone else', () => {
    const progress = new ClaimProgress();
    expect(progress.checkoutRejection(ana)).toBeNull();
    expect(progress.hold(ana)).toBe(true);
    expect(progress.state().claimantEmail).toBe('ana@example.com');
    expect(progress.hold(ana)).toBe(false);
    expect(progress.checkoutRejection(ana)).toBeNull();
    expect(progress.checkoutRejection(bob)).toEqual({ type: CLAIM_FAILURES.beingClaimed, message: 'Someone else is checking out this site right now' });
  });

  it('refuses every claimant once the claim is past waiting for payment', () => {
    for (const status of ['processing_payment', 'completed', 'expired', 'unavailable', 'refunded'] as const) {
      const progress = new ClaimProgress();
      progress.setStatus(status);
      expect(progress.checkoutRejection(ana)?.type).toBe(CLAIM_FAILURES.notAvailable);
    }
  });

  it('settles the checkout request with the checkout or the provider refusing it', () => {
    const opened = new ClaimProgress();
    expect(opened.checkoutSettled).toBe(false);
    opened.checkoutOpened(checkout);
    expect(opened.checkoutSettled).toBe(true);
    expect(opened.state().checkout).toEqual(checkout);

    const refused = new ClaimProgress();
    refused.checkoutRefused();
    expect(refused.checkoutSettled).toBe(true);
    expect(refused.checkout).toBeNull();
  });
});

describe('ClaimProgress: waiting for a claimant', () => {
  it('keeps waiting until a checkout, a payment, a refusal, or the idle expiry with nobody holding the site', () => {
    const idle = new ClaimProgress();
    expect(idle.claimantWaitOver()).toBe(false);
    idle.expireIdle();
    expect(idle.claimantWaitOver()).toBe(true);

    const held = new ClaimProgress();
    held.hold(ana);
    held.expireIdle();
    expect(held.claimantWaitOver()).toBe(false);
    held.checkoutOpened(checkout);
    expect(held.claimantWaitOver()).toBe(true);

    const paid = new ClaimProgress();
    paid.receivePayment(payment('msg_1'));
    expect(paid.claimantWaitOver()).toBe(true);

    const refused = new ClaimProgress();
    refused.checkoutRefused();
    expect(refused.claimantWaitOver()).toBe(true);
  });
});

describe('claim payment decisions', () => {
  it('parks a payment that does not match, refunds one for a site someone else owns by now, grants the rest', () => {
    expect(paymentOutcome('mismatch', 'ana@example.com', { status: 'preview', ownerEmail: null })).toBe('parked');
    expect(paymentOutcome('verified', 'ana@example.com', { status: 'preview', ownerEmail: null })).toBe('applied');
    expect(paymentOutcome('verified', 'ana@example.com', { status: 'owned', ownerEmail: 'bob@example.com' })).toBe('refunded');
    expect(paymentOutcome('verified', 'Ana@Example.com', { status: 'owned', ownerEmail: 'ana@example.com' })).toBe('applied');
    expect(paymentOutcome('verified', 'ana@example.com', null)).toBe('applied');
  });

  it('keeps a final status when a payment decided by an earlier run comes again, else follows that decision', () => {
    const progress = new ClaimProgress();
    expect(progress.statusAfterEarlierDecision('completed', 'refunded')).toBe('completed');
    expect(progress.statusAfterEarlierDecision('awaiting_payment', 'applied')).toBe('completed');
    expect(progress.statusAfterEarlierDecision('awaiting_claimant', 'refunded')).toBe('refunded');
  });

  it('carries on after a refund while the claim was still open or done, and ends refunded otherwise', () => {
    const progress = new ClaimProgress();
    expect(progress.statusAfterGiveBack('awaiting_payment')).toBe('awaiting_payment');
    expect(progress.statusAfterGiveBack('awaiting_claimant')).toBe('awaiting_claimant');
    expect(progress.statusAfterGiveBack('completed')).toBe('completed');
    expect(progress.statusAfterGiveBack('expired')).toBe('refunded');
    expect(progress.statusAfterGiveBack('unavailable')).toBe('refunded');
  });

  it('counts refunds and keeps the buyer', () => {
    const progress = new ClaimProgress();
    progress.refunded();
    progress.granted('cus_1');
    expect(progress.refunds).toBe(1);
    expect(progress.state().customerId).toBe('cus_1');
  });
});

describe('how a claim ends', () => {
  it('expires a preview nobody paid for, is unavailable for a site already owned, and keeps a final status', () => {
    const waiting = new ClaimProgress();
    waiting.setStatus('awaiting_payment');
    expect(waiting.finalStatus('preview')).toBe('expired');
    expect(new ClaimProgress().finalStatus('owned')).toBe('unavailable');
    const done = new ClaimProgress();
    done.setStatus('completed');
    expect(done.finalStatus('preview')).toBe('completed');
  });

  it('knows the final statuses', () => {
    expect((['completed', 'expired', 'unavailable', 'refunded'] as const).every((status) => isFinal(status))).toBe(true);
    expect(isFinal('awaiting_payment')).toBe(false);
    expect(isFinal('processing_payment')).toBe(false);
  });
});
