import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  ParentClosePolicy,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createClaimActivities, ClaimSite } from '../activities/claims.js';
import type { createEmailActivities } from '../activities/email.js';
import type { createOperatorCaseActivities, OperatorCaseInput } from '../activities/operator-cases.js';
import type { createPaymentLedgerActivities } from '../activities/payment-ledger.js';
import type { createPaymentActivities } from '../activities/payments.js';
import { formatMoney } from '../lib/money.js';
import { siteUrl } from '../lib/urls.js';
import { customerEmailKey } from '../lib/search-key.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS, OPERATOR_CASE_ACTIVITY_OPTIONS, PAYMENT_PROVIDER_ACTIVITY_OPTIONS } from './activity-options.js';
import { workflowIds } from './ids.js';
import { BUSINESS_STATUS, CUSTOMER_EMAIL, SITE_SLUG } from './search-attributes.js';
import { subscriptionWorkflow, type SubscriptionSettings } from './subscription.js';

/** Who is claiming the site. */
export interface Claimant {
  email: string;
  name: string;
}

/** The open checkout a claimant is sent to. */
export interface ClaimCheckout {
  checkoutId: string;
  checkoutUrl: string;
  expiresAt: string;
}

/** A provider-confirmed payment for a claim checkout; `eventId` is the webhook's dedupe key. */
export interface ClaimPayment {
  eventId: string;
  paymentIntentId: string;
  checkoutId: string | null;
  amountCents: number;
  currency: string;
  paidAt: string;
  /** The claimant named in the checkout's metadata (authoritative: it is who paid). */
  claimant: Claimant;
}

/** A declined payment; the claimant may try again on the same checkout. */
export interface ClaimPaymentFailure {
  eventId: string;
  checkoutId: string | null;
  reason: string;
}

/** Where a claim stands. */
export type ClaimStatus = 'checking_site' | 'awaiting_claimant' | 'awaiting_payment' | 'processing_payment' | 'completed' | 'expired' | 'unavailable' | 'refunded';

/** What the status query answers. */
export interface ClaimState {
  status: ClaimStatus;
  claimantEmail: string | null;
  checkout: ClaimCheckout | null;
  lastPaymentFailure: string | null;
  customerId: string | null;
}

/** How a claim workflow run ended; `refunds` counts payments given back because the site had gone to someone else. */
export interface ClaimOutcome {
  status: Extract<ClaimStatus, 'completed' | 'expired' | 'unavailable' | 'refunded'>;
  customerId: string | null;
  refunds: number;
}

/** Start arguments: the site and the configured checkout lifetime. */
export interface ClaimInput {
  siteId: string;
  checkoutExpiryMs: number;
  publicBaseUrl: string;
  /** Settings of the subscription workflow the purchase starts (its activation deadline runs from the purchase). */
  subscriptionSettings?: SubscriptionSettings;
}

/** Claimant asks for a checkout: answers the open one for the same claimant, refuses anyone else. */
export const requestCheckoutUpdate = defineUpdate<ClaimCheckout, [Claimant]>('requestCheckout');
/** The provider confirmed a payment (from the webhook). */
export const claimPaymentSucceededSignal = defineSignal<[ClaimPayment]>('claimPaymentSucceeded');
/** The provider declined a payment (from the webhook). */
export const claimPaymentFailedSignal = defineSignal<[ClaimPaymentFailure]>('claimPaymentFailed');
// The names before the rename; they serve workflows started before it.
const legacyPaymentSucceededSignal = defineSignal<[ClaimPayment]>('paymentSucceeded');
const legacyPaymentFailedSignal = defineSignal<[ClaimPaymentFailure]>('paymentFailed');
/** Current state of the claim. */
export const claimStateQuery = defineQuery<ClaimState>('claimState');

/** Failure types the API maps to HTTP answers. */
export const CLAIM_FAILURES = { beingClaimed: 'site_being_claimed', notAvailable: 'site_not_available' } as const;

const MAX_REMEMBERED_EVENTS = 100;

/** Patch ids: runs recorded before these changes replay the old shape. */
const PATCHES = { expiryTimerFirst: 'claim-expiry-timer-first', verifyPayment: 'verify-payment-with-provider', releaseHold: 'release-purchase-hold' } as const;

const db = proxyActivities<ReturnType<typeof createClaimActivities> & ReturnType<typeof createPaymentLedgerActivities>>(databaseActivityOptions());
const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(PAYMENT_PROVIDER_ACTIVITY_OPTIONS);
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);
const operators = proxyActivities<ReturnType<typeof createOperatorCaseActivities>>(OPERATOR_CASE_ACTIVITY_OPTIONS);

const TERMINAL: ClaimStatus[] = ['completed', 'expired', 'unavailable', 'refunded'];

/**
 * Claim → pay → own, one run per site at a time (`claim:<siteId>`). Holds the site for one claimant
 * while their checkout is open, releases it when the checkout expires, and on payment makes the payer
 * the owner. Every step after the payment is idempotent, so a crash anywhere resumes without doubling.
 */
export async function claimSiteWorkflow(input: ClaimInput): Promise<ClaimOutcome> {
  const state: ClaimState = { status: 'checking_site', claimantEmail: null, checkout: null, lastPaymentFailure: null, customerId: null };
  const pending: ClaimPayment[] = [];
  const applied: string[] = [];
  let claimant: Claimant | null = null;
  let site: ClaimSite | null = null;
  let checkoutFailed = false;
  let refunds = 0;
  let idleExpired = false;
  // The claim's expiry timer is the first command of the first task, before anything that can fail, so a run whose
  // claimant never got an answer (worker died, API gave up) still ends on its own.
  if (patched(PATCHES.expiryTimerFirst)) {
    void sleep(input.checkoutExpiryMs).then(() => {
      idleExpired = true;
    });
  }
  const verify = patched(PATCHES.verifyPayment);

  const setStatus = (status: ClaimStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: status }]);
  };
  const remember = (eventId: string): boolean => {
    if (applied.includes(eventId)) return false;
    applied.push(eventId);
    if (applied.length > MAX_REMEMBERED_EVENTS) applied.shift();
    return true;
  };

  setHandler(claimStateQuery, () => state);
  const onPaymentSucceeded = (payment: ClaimPayment) => {
    if (remember(payment.eventId)) pending.push(payment);
  };
  const onPaymentFailed = (failure: ClaimPaymentFailure) => {
    if (remember(failure.eventId)) state.lastPaymentFailure = failure.reason;
  };
  setHandler(claimPaymentSucceededSignal, onPaymentSucceeded);
  setHandler(claimPaymentFailedSignal, onPaymentFailed);
  setHandler(legacyPaymentSucceededSignal, onPaymentSucceeded);
  setHandler(legacyPaymentFailedSignal, onPaymentFailed);
  const assertClaimable = (requested: Claimant) => {
    if (state.status !== 'checking_site' && state.status !== 'awaiting_claimant' && state.status !== 'awaiting_payment') {
      throw ApplicationFailure.create({ type: CLAIM_FAILURES.notAvailable, message: 'This site is no longer available', nonRetryable: true });
    }
    if (claimant && claimant.email !== requested.email) {
      throw ApplicationFailure.create({ type: CLAIM_FAILURES.beingClaimed, message: 'Someone else is checking out this site right now', nonRetryable: true });
    }
  };
  setHandler(requestCheckoutUpdate, async (requested) => {
    await condition(() => site !== null);
    assertClaimable(requested);
    if (!claimant) {
      claimant = requested;
      state.claimantEmail = requested.email;
      upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(requested.email) }]);
      const expiresAt = new Date(Date.now() + input.checkoutExpiryMs).toISOString();
      try {
        const session = await payments.createClaimCheckout({
          idempotencyKey: `${workflowInfo().workflowId}:${workflowInfo().runId}:checkout`,
          siteId: site!.siteId,
          slug: site!.slug,
          businessId: site!.businessId,
          siteTitle: site!.title,
          amountCents: site!.purchaseAmountCents,
          currency: site!.currency,
          claimantEmail: requested.email,
          claimantName: requested.name,
          expiresAt,
        });
        state.checkout = { ...session, expiresAt };
        setStatus('awaiting_payment');
      } catch (error) {
        checkoutFailed = true;
        throw error;
      }
    }
    await condition(() => state.checkout !== null || checkoutFailed);
    if (!state.checkout) throw ApplicationFailure.create({ type: CLAIM_FAILURES.notAvailable, message: 'The checkout could not be opened', nonRetryable: true });
    return state.checkout;
  }, { validator: assertClaimable });

  const loaded = await db.loadClaimSite(input.siteId);
  site = loaded;
  if (verify) {
    await claimUntilSettled(loaded);
    await condition(allHandlersFinished);
    // The claim is over (bought, expired or unavailable): its hold no longer keeps the site or counts against the claimant.
    if (patched(PATCHES.releaseHold)) await db.releasePurchaseHold(input.siteId);
    return { status: state.status as ClaimOutcome['status'], customerId: state.customerId, refunds };
  }
  if (loaded.status === 'preview') {
    setStatus('awaiting_claimant');
    await condition(() => state.checkout !== null || pending.length > 0 || checkoutFailed);
    if (!state.checkout && pending.length === 0) {
      // The provider refused to open the checkout: nothing is held, so the site is free again.
      // Runs recorded before this step existed ended without a status change; patched() keeps them replayable.
      if (patched('release-site-when-checkout-refused')) setStatus('expired');
    } else if (state.checkout && pending.length === 0) {
      const msLeft = Date.parse(state.checkout.expiresAt) - Date.now();
      if (!(await condition(() => pending.length > 0, msLeft))) {
        log.info('checkout expired; releasing the site', { siteId: input.siteId });
        setStatus('expired');
      }
    }
  } else if (pending.length === 0) {
    setStatus('unavailable');
  }

  while (pending.length > 0) {
    await settlePayment(pending.shift()!);
  }
  await condition(allHandlersFinished);
  return { status: state.status as ClaimOutcome['status'], customerId: state.customerId, refunds };

  /** Waits for a claimant, a payment or the expiry, settles every payment, and ends in a final status. */
  async function claimUntilSettled(loaded: ClaimSite): Promise<void> {
    if (loaded.status === 'preview') setStatus('awaiting_claimant');
    for (;;) {
      if (pending.length > 0) {
        await settlePayment(pending.shift()!);
        continue;
      }
      if (state.status === 'awaiting_claimant') {
        await condition(() => state.checkout !== null || pending.length > 0 || checkoutFailed || (idleExpired && claimant === null));
        if (pending.length > 0 || state.checkout) continue;
        break;
      }
      if (state.status === 'awaiting_payment' && state.checkout) {
        const msLeft = Date.parse(state.checkout.expiresAt) - Date.now();
        if (await condition(() => pending.length > 0, Math.max(1, msLeft))) continue;
        log.info('checkout expired; releasing the site', { siteId: input.siteId });
      }
      break;
    }
    if (!TERMINAL.includes(state.status)) setStatus(loaded.status === 'preview' ? 'expired' : 'unavailable');
  }

  async function raise(payment: ClaimPayment, kind: OperatorCaseInput['kind'], reason: string): Promise<void> {
    await operators.raiseOperatorCase({
      key: `${kind}:${payment.paymentIntentId}:${payment.eventId}`.slice(0, 255),
      kind,
      reason: `Claim of site ${input.siteId}: ${reason}`,
      siteId: input.siteId,
      workflowId: workflowInfo().workflowId,
      payload: { eventId: payment.eventId, paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency },
    });
  }

  /** Gives a real payment back; a refund the provider refuses is parked for an operator (the refund activity raises the case). */
  async function giveBack(paymentId: string, payment: ClaimPayment, reason: string): Promise<void> {
    const refund = await payments.refundPayment({ paymentIntentId: payment.paymentIntentId, idempotencyKey: `refund:${payment.paymentIntentId}`, siteId: input.siteId, reason });
    if (refund.status === 'refunded') {
      await db.markPaymentRefunded(paymentId);
      refunds += 1;
    }
    await db.setPaymentOutcome({ providerPaymentId: payment.paymentIntentId, outcome: refund.status === 'refunded' ? 'refunded' : 'parked' });
  }

  /**
   * Confirms the payment with the provider, then applies it once (the processed-payments table decides) or gives it
   * back. Answers the payment to grant ownership for, with the provider's amount, or null when nothing is granted.
   */
  async function settleVerified(payment: ClaimPayment, before: ClaimStatus): Promise<{ paymentId: string; payment: ClaimPayment } | null> {
    const reported = { paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency };
    const verdict = await payments.verifyClaimPayment({
      reported,
      expected: { siteId: input.siteId, amountCents: site!.purchaseAmountCents, currency: site!.currency, openCheckoutId: state.checkout?.checkoutId ?? null },
    });
    if (verdict.verdict === 'unverified') {
      log.warn('payment not confirmed by the provider; nothing granted', { siteId: input.siteId, reason: verdict.reason });
      await raise(payment, 'payment_unverified', `${verdict.reason}. Nothing was granted.`);
      setStatus(before);
      return null;
    }
    const confirmed = verdict.verdict === 'verified' ? { ...payment, amountCents: verdict.amountCents, currency: verdict.currency } : payment;
    const { paymentId } = await db.recordPayment({
      providerPaymentId: confirmed.paymentIntentId,
      providerCheckoutId: confirmed.checkoutId,
      siteId: input.siteId,
      kind: 'purchase',
      amountCents: confirmed.amountCents,
      currency: confirmed.currency,
      paidAt: confirmed.paidAt,
    });
    const payer = payment.claimant.email.toLowerCase();
    const current = verdict.verdict === 'verified' ? await db.loadClaimSite(input.siteId) : null;
    const ownedByOther = current !== null && current.status !== 'preview' && current.ownerEmail !== payer;
    const outcome = verdict.verdict === 'mismatch' ? 'parked' : ownedByOther ? 'refunded' : 'applied';
    const decision = await db.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId: input.siteId, kind: 'purchase', outcome });
    if (decision.status === 'earlier') {
      // Decided by an earlier run (a redelivered payment): nothing more to do.
      setStatus(TERMINAL.includes(before) ? before : decision.outcome === 'applied' ? 'completed' : 'refunded');
      return null;
    }
    if (decision.status === 'decided' && decision.outcome === 'applied') return { paymentId, payment: confirmed };
    let reason: string;
    if (verdict.verdict === 'mismatch') {
      reason = verdict.reason;
      await raise(payment, 'payment_mismatch', `${reason}. The payment is being refunded.`);
    } else if (decision.status === 'taken') {
      reason = 'the site was already bought with another payment';
      await db.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId: input.siteId, kind: 'purchase', outcome: 'refunded' });
    } else {
      reason = 'the site went to someone else first';
    }
    await giveBack(paymentId, payment, reason);
    setStatus(before === 'completed' || before === 'awaiting_payment' || before === 'awaiting_claimant' ? before : 'refunded');
    return null;
  }

  async function settlePayment(payment: ClaimPayment): Promise<void> {
    const before = state.status;
    if (verify) {
      setStatus('processing_payment');
      const granted = await settleVerified(payment, before);
      if (granted) await grantOwnership(granted.payment, granted.paymentId, site!, true);
      return;
    }
    setStatus('processing_payment');
    const payer = { email: payment.claimant.email.toLowerCase(), name: payment.claimant.name };
    const { paymentId } = await db.recordPayment({
      providerPaymentId: payment.paymentIntentId,
      providerCheckoutId: payment.checkoutId,
      siteId: input.siteId,
      kind: 'purchase',
      amountCents: payment.amountCents,
      currency: payment.currency,
      paidAt: payment.paidAt,
    });
    const current = await db.loadClaimSite(input.siteId);
    if (current.status !== 'preview' && current.ownerEmail !== payer.email) {
      // Paid for a site that went to someone else first: give the money back.
      await payments.refundPayment({ paymentIntentId: payment.paymentIntentId, idempotencyKey: `refund:${payment.paymentIntentId}` });
      await db.markPaymentRefunded(paymentId);
      refunds += 1;
      setStatus(before === 'completed' ? 'completed' : 'refunded');
      return;
    }
    await grantOwnership(payment, paymentId, current, false);
  }

  /** Makes the payer the owner: customer, ownership, site owned, emails, and (new runs) the subscription workflow. */
  async function grantOwnership(payment: ClaimPayment, paymentId: string, current: ClaimSite, startsSubscription: boolean): Promise<void> {
    const payer = { email: payment.claimant.email.toLowerCase(), name: payment.claimant.name };
    const { customerId, hasPassword } = await db.findOrCreateCustomer(payer);
    state.customerId = customerId;
    upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(payer.email) }]);
    await db.addOwnership({ customerId, siteId: input.siteId, paymentId, acquiredAt: payment.paidAt });
    await db.markSiteOwned({ siteId: input.siteId, customerId, purchasedAt: payment.paidAt });
    if (!hasPassword) {
      const welcome = await db.prepareWelcomeEmail({ customerId, siteTitle: current.title, idempotencyKey: `claim:${payment.paymentIntentId}:welcome` });
      await notify(welcome);
    }
    await notify({
      idempotencyKey: `claim:${payment.paymentIntentId}:confirmation`,
      to: payer.email,
      template: 'purchase_confirmation',
      model: { name: payer.name, siteTitle: current.title, siteUrl: siteUrl(input, current.slug), amount: formatMoney(payment.amountCents, payment.currency), paidAt: payment.paidAt },
    });
    if (startsSubscription && input.subscriptionSettings) await startSubscription(input.subscriptionSettings, current.slug);
    setStatus('completed');
  }

  /** Sends a purchase email; one that can never be sent is an operator case (raised by the activity), never fatal to the purchase. */
  async function notify(message: Parameters<typeof email.sendEmail>[0]): Promise<void> {
    try {
      await email.sendEmail(message);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('purchase email not delivered', { siteId: input.siteId, key: message.idempotencyKey, error: error.message });
    }
  }

  /** Starts the site's subscription workflow, so the activation deadline runs from the purchase; one that already runs is kept. */
  async function startSubscription(settings: SubscriptionSettings, slug: string): Promise<void> {
    try {
      await startChild(subscriptionWorkflow, {
        workflowId: workflowIds.subscription(input.siteId),
        args: [{ siteId: input.siteId, settings }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: SITE_SLUG, value: slug }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
