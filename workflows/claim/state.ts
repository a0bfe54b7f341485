import { CLAIM_FAILURES, type Claimant, type ClaimCheckout, type ClaimPayment, type ClaimPaymentFailure, type ClaimState, type ClaimStatus, type FinalClaimStatus } from './contract.js';

/** A request the claim refuses: the failure type the API maps, and a sentence for the claimant. */
export interface Rejection {
  type: (typeof CLAIM_FAILURES)[keyof typeof CLAIM_FAILURES];
  message: string;
}

/** The provider's answer about a reported payment (the verify activity's verdict, reduced to what decides). */
export type PaymentVerdict = 'verified' | 'mismatch' | 'unverified';

/** What the payments table is asked to record for a payment: granted, given back, or held for an operator. */
export type PaymentOutcome = 'applied' | 'refunded' | 'parked';

const MAX_REMEMBERED_EVENTS = 100;
const FINAL: readonly ClaimStatus[] = ['completed', 'expired', 'cancelled', 'unavailable', 'refunded'];
/** While one of these holds, a claimant may still be given a checkout. */
const CLAIMABLE: readonly ClaimStatus[] = ['checking_site', 'awaiting_claimant', 'awaiting_payment'];
/** A payment given back leaves these as they were (the claim carries on or is already done); anything else ends refunded. */
const KEPT_AFTER_REFUND: readonly ClaimStatus[] = ['completed', 'awaiting_payment', 'awaiting_claimant'];

/** True for the statuses a claim ends in. */
export function isFinal(status: ClaimStatus): status is FinalClaimStatus {
  return FINAL.includes(status);
}

/**
 * What to record for a payment the provider answered about: a mismatch is parked (and refunded), a payment for a
 * site that another customer owns by now is refunded, anything else is granted. `currentOwner` is null while the
 * site is still a preview (or was not re-read).
 */
export function paymentOutcome(verdict: Exclude<PaymentVerdict, 'unverified'>, payerEmail: string, current: { status: string; ownerEmail: string | null } | null): PaymentOutcome {
  if (verdict === 'mismatch') return 'parked';
  const ownedByOther = current !== null && current.status !== 'preview' && current.ownerEmail !== payerEmail.toLowerCase();
  return ownedByOther ? 'refunded' : 'applied';
}

/**
 * The decisions of one claim, without I/O: who holds the site, which checkout requests are refused, which payment
 * events are new, when the wait ends, and what status each step leaves. The workflow shell applies them.
 */
export class ClaimProgress {
  /** Payments received and not yet settled, in arrival order. */
  readonly pending: ClaimPayment[] = [];
  private readonly view: ClaimState = { status: 'checking_site', claimantEmail: null, checkout: null, lastPaymentFailure: null, customerId: null };
  private readonly applied: string[] = [];
  private claimant: Claimant | null = null;
  private checkoutFailed = false;
  private idleExpired = false;
  private refundCount = 0;
  private cancelToken: string | null = null;
  private releaseAsked = false;

  /** What the status query answers. */
  state(): ClaimState {
    return this.view;
  }

  /** Payments given back because the site had gone to someone else (or the payment did not match). */
  get refunds(): number {
    return this.refundCount;
  }

  /** Where the claim stands. */
  get status(): ClaimStatus {
    return this.view.status;
  }

  /** The claimant's open checkout, once the provider opened it. */
  get checkout(): ClaimCheckout | null {
    return this.view.checkout;
  }

  /** Moves the claim to `status`. */
  setStatus(status: ClaimStatus): void {
    this.view.status = status;
  }

  /** A confirmed payment, queued unless its event was already received. */
  receivePayment(payment: ClaimPayment): void {
    if (this.remember(payment.eventId)) this.pending.push(payment);
  }

  /** A declined payment: shown to the claimant, and the site is released (a retry that pays is still settled). */
  receiveFailure(failure: ClaimPaymentFailure): void {
    if (!this.remember(failure.eventId)) return;
    this.view.lastPaymentFailure = failure.reason;
    this.releaseAsked = true;
  }

  /** The secret the checkout's cancel URL carries, so only the claimant's browser can cancel. */
  setCancelToken(token: string): void {
    this.cancelToken = token;
  }

  /** Why a cancel with `token` is refused (no open checkout, a payment on its way, or a wrong token), or null. */
  cancelRejection(token: string): Rejection | null {
    if (this.view.status !== 'awaiting_payment' || this.pending.length > 0) {
      return { type: CLAIM_FAILURES.notCancellable, message: 'This checkout is no longer open, so there is nothing to cancel' };
    }
    if (this.cancelToken === null || token !== this.cancelToken) return { type: CLAIM_FAILURES.notCancellable, message: 'This cancel link is not valid' };
    return null;
  }

  /** The claimant cancelled on the checkout page: the site is to be released. */
  cancel(): void {
    this.releaseAsked = true;
  }

  /** True once the claimant cancelled or the card was declined: the wait for a payment ends and the site is released. */
  get releaseRequested(): boolean {
    return this.releaseAsked;
  }

  /** Why `requested` gets no checkout (the claim is over, or someone else holds the site), or null. */
  checkoutRejection(requested: Claimant): Rejection | null {
    if (!CLAIMABLE.includes(this.view.status)) return { type: CLAIM_FAILURES.notAvailable, message: 'This site is no longer available' };
    if (this.claimant && this.claimant.email !== requested.email) {
      return { type: CLAIM_FAILURES.beingClaimed, message: 'Someone else is checking out this site right now' };
    }
    return null;
  }

  /** Makes `requested` the claimant when nobody holds the site yet; answers whether a checkout must be opened for them. */
  hold(requested: Claimant): boolean {
    if (this.claimant) return false;
    this.claimant = requested;
    this.view.claimantEmail = requested.email;
    return true;
  }

  /** The provider opened the claimant's checkout (the claim then waits for its payment). */
  checkoutOpened(checkout: ClaimCheckout): void {
    this.view.checkout = checkout;
  }

  /** The provider refused to open the checkout: the claim ends without holding the site. */
  checkoutRefused(): void {
    this.checkoutFailed = true;
  }

  /** True once the checkout request has an answer (a checkout, or the provider's refusal). */
  get checkoutSettled(): boolean {
    return this.view.checkout !== null || this.checkoutFailed;
  }

  /** The claim's own lifetime ran out (the first timer of the run). */
  expireIdle(): void {
    this.idleExpired = true;
  }

  /** True when the wait for a claimant ends: a checkout, a payment, the provider's refusal, or nobody came in time. */
  claimantWaitOver(): boolean {
    return this.view.checkout !== null || this.pending.length > 0 || this.checkoutFailed || (this.idleExpired && this.claimant === null);
  }

  /** The buyer became a customer. */
  granted(customerId: string): void {
    this.view.customerId = customerId;
  }

  /** A payment was given back. */
  refunded(): void {
    this.refundCount += 1;
  }

  /** The status once a payment an earlier run decided is seen again. */
  statusAfterEarlierDecision(before: ClaimStatus, decided: PaymentOutcome): ClaimStatus {
    if (isFinal(before)) return before;
    return decided === 'applied' ? 'completed' : 'refunded';
  }

  /** The status once a payment was given back. */
  statusAfterGiveBack(before: ClaimStatus): ClaimStatus {
    return KEPT_AFTER_REFUND.includes(before) ? before : 'refunded';
  }

  /** The status a claim ends in when the wait is over without a final one: expired for a preview, else unavailable. */
  finalStatus(siteStatus: string): FinalClaimStatus {
    if (isFinal(this.view.status)) return this.view.status;
    return siteStatus === 'preview' ? 'expired' : 'unavailable';
  }

  private remember(eventId: string): boolean {
    if (this.applied.includes(eventId)) return false;
    this.applied.push(eventId);
    if (this.applied.length > MAX_REMEMBERED_EVENTS) this.applied.shift();
    return true;
  }
}
