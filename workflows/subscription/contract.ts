import type { SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SubscriptionSnapshot } from '../../activities/subscriptions.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { SITE_SLUG } from '../search-attributes.js';

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

/**
 * The site changed hands: a transfer was accepted, or an operator linked the site to a customer. The workflow reloads
 * its owner; a transfer also stops the old owner's provider subscription and keeps the period they paid for.
 */
export interface OwnerChange {
  /** Dedupe key, e.g. `transfer:<transferId>` or `link:<audit entry id>`. */
  eventId: string;
  kind: 'transferred' | 'linked';
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

/** A change requested of the subscription, queued by the message handlers and applied in order. */
export type SubscriptionEvent =
  | { kind: 'paid'; payment: SubscriptionPayment }
  | { kind: 'failed'; failure: SubscriptionPaymentFailure }
  | { kind: 'cancel'; atPeriodEnd: boolean }
  | { kind: 'reactivate' }
  | { kind: 'provider_cancelled'; notice: ProviderCancellationNotice }
  | { kind: 'owner_changed'; change: OwnerChange }
  | { kind: 'release' };

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
  /** Activation reminders already sent. */
  activationRemindersSent: number;
  /** When the last applied payment was made. */
  lastPaidAt: string | null;
  /** When the activation window of a site that changed hands started (absent: at the purchase). */
  activationFrom?: string | null;
}

/** Start arguments; `carried` is absent on the first run, which adopts the stored subscription. */
export interface SubscriptionInput {
  siteId: string;
  settings: SubscriptionSettings;
  carried?: SubscriptionCarry;
}

/** What a cancel or undo answers: the subscription afterwards, and whether the change is in it yet (else the next run applies it). */
export interface SubscriptionChange {
  view: SubscriptionView;
  applied: boolean;
}

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

/** The patch under which ending a subscription now is always emailed (histories before it sent nothing after a scheduled cancellation). */
export const ENDED_NOW_EMAIL_PATCH = 'subscription-ended-now-email';

/** The provider charged the subscription (from the webhook). */
export const subscriptionPaymentSucceededSignal = defineSignal<[SubscriptionPayment]>('subscriptionPaymentSucceeded');
/** The provider could not charge the subscription (from the webhook). */
export const subscriptionPaymentFailedSignal = defineSignal<[SubscriptionPaymentFailure]>('subscriptionPaymentFailed');
/** The provider ended the subscription on its side. */
export const providerCancelledSignal = defineSignal<[ProviderCancellationNotice]>('providerCancelled');
/** The owner cancels (at the end of the paid period or now); answers once applied, rejects when there is nothing to cancel. */
export const cancelSubscriptionUpdate = defineUpdate<SubscriptionChange, [{ atPeriodEnd: boolean }]>('cancelSubscription');
/** The owner takes back a pending cancellation; answers once applied, rejects when none is pending. */
export const undoCancellationUpdate = defineUpdate<SubscriptionChange>('undoCancellation');
/** The site changed hands (from the transfer workflow or the console's link). */
export const ownerChangedSignal = defineSignal<[OwnerChange]>('subscriptionOwnerChanged');
/**
 * The site is removed from its owner's account: the provider subscription is stopped and the subscription ends now,
 * whatever its status; answers once applied.
 */
export const releaseSubscriptionUpdate = defineUpdate<SubscriptionChange>('releaseSubscription');
/** Opens (or answers the open) checkout that starts the subscription again. */
export const openActivationCheckoutUpdate = defineUpdate<ActivationCheckout>('openActivationCheckout');
/** Where the subscription stands. */
export const subscriptionStatusQuery = defineQuery<SubscriptionView>('subscriptionStatus');

/**
 * The business key of one billing period of a site (`sub:<siteId>:<period start, compact ISO>`), from which the
 * period's email and provider idempotency keys are derived. Short enough for Postmark's 80-character metadata.
 */
export function subscriptionPeriodKey(siteId: string, periodStart: string | null): string {
  return `sub:${siteId}:${periodStart === null ? 'none' : periodStart.replace(/[-:]/g, '')}`;
}

/**
 * How a site's subscription workflow is started, the task queue aside: its business-key id, its first-run input and
 * the slug an operator searches by. The API, the webhook relay and the claim that sold the site all start it so.
 */
export function subscriptionStartOptions(site: { id: string; slug: string }, settings: SubscriptionSettings) {
  return {
    workflowId: workflowIds.subscription(site.id),
    args: [{ siteId: site.id, settings }] as [SubscriptionInput],
    typedSearchAttributes: [{ key: SITE_SLUG, value: site.slug }] as SearchAttributePair[],
  };
}
