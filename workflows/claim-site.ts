import {
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
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createClaimActivities, ClaimSite } from '../activities/claims.js';
import type { createEmailActivities } from '../activities/email.js';
import type { createPaymentActivities } from '../activities/payments.js';
import { formatMoney } from '../lib/money.js';
import { siteUrl } from '../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS, PAYMENT_PROVIDER_ACTIVITY_OPTIONS } from './activity-options.js';
import { customerEmailKey } from '../lib/search-key.js';
import { BUSINESS_STATUS, CUSTOMER_EMAIL } from './search-attributes.js';

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

const db = proxyActivities<ReturnType<typeof createClaimActivities>>(databaseActivityOptions());
const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(PAYMENT_PROVIDER_ACTIVITY_OPTIONS);
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

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

  async function settlePayment(payment: ClaimPayment): Promise<void> {
    const before = state.status;
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
    const { customerId, hasPassword } = await db.findOrCreateCustomer(payer);
    state.customerId = customerId;
    upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(payer.email) }]);
    await db.addOwnership({ customerId, siteId: input.siteId, paymentId, acquiredAt: payment.paidAt });
    await db.markSiteOwned({ siteId: input.siteId, customerId, purchasedAt: payment.paidAt });
    if (!hasPassword) {
      const welcome = await db.prepareWelcomeEmail({ customerId, siteTitle: current.title, idempotencyKey: `claim:${payment.paymentIntentId}:welcome` });
      await email.sendEmail(welcome);
    }
    await email.sendEmail({
      idempotencyKey: `claim:${payment.paymentIntentId}:confirmation`,
      to: payer.email,
      template: 'purchase_confirmation',
      model: { name: payer.name, siteTitle: current.title, siteUrl: siteUrl(input, current.slug), amount: formatMoney(payment.amountCents, payment.currency), paidAt: payment.paidAt },
    });
    setStatus('completed');
  }
}
