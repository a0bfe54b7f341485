import type { SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { workflowIds } from '../../lib/workflow-ids.js';
import { SITE_SLUG } from '../search-attributes.js';
import type { SubscriptionSettings } from '../subscription/contract.js';

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
export type ClaimStatus = 'checking_site' | 'awaiting_claimant' | 'awaiting_payment' | 'processing_payment' | 'completed' | 'expired' | 'cancelled' | 'unavailable' | 'refunded';

/** The statuses a claim ends in; `cancelled`: the claimant cancelled on the checkout page or the card was declined. */
export type FinalClaimStatus = Extract<ClaimStatus, 'completed' | 'expired' | 'cancelled' | 'unavailable' | 'refunded'>;

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
  status: FinalClaimStatus;
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

/** Failure types the API maps to HTTP answers. */
export const CLAIM_FAILURES = { beingClaimed: 'site_being_claimed', notAvailable: 'site_not_available', notCancellable: 'claim_not_cancellable' } as const;

/** The patch under which a cancelled or declined checkout releases the site at once (histories before it waited for the expiry). */
export const RELEASE_ON_CANCEL_PATCH = 'claim-release-on-cancel';

/** Claimant asks for a checkout: answers the open one for the same claimant, refuses anyone else. */
export const requestCheckoutUpdate = defineUpdate<ClaimCheckout, [Claimant]>('requestCheckout');
/** The provider confirmed a payment (from the webhook). */
export const claimPaymentSucceededSignal = defineSignal<[ClaimPayment]>('claimPaymentSucceeded');
/** The provider declined a payment (from the webhook). */
export const claimPaymentFailedSignal = defineSignal<[ClaimPaymentFailure]>('claimPaymentFailed');
/**
 * The claimant left the checkout page with Cancel (its cancel URL carries the claim's cancel token): the site is
 * released at once. Rejected when the token does not match or the checkout is no longer open.
 */
export const cancelCheckoutUpdate = defineUpdate<ClaimState, [{ token: string }]>('cancelCheckout');
/** Current state of the claim. */
export const claimStateQuery = defineQuery<ClaimState>('claimState');

/**
 * How a site's claim workflow is started, the task queue aside: its business-key id, its input and the slug an
 * operator searches by. A purchase (update-with-start) and a payment webhook that finds no claim running start it so.
 */
export function claimStartOptions(site: { id: string; slug: string }, settings: Omit<ClaimInput, 'siteId'>) {
  return {
    workflowId: workflowIds.claim(site.id),
    args: [{ siteId: site.id, ...settings }] as [ClaimInput],
    typedSearchAttributes: [{ key: SITE_SLUG, value: site.slug }] as SearchAttributePair[],
  };
}
