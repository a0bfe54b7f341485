import { isGrpcDeadlineError, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Subscription } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { ISubscription } from '../../db/entities/subscription.entity.js';
import type { AppConfig } from '../../lib/config.js';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../../lib/temporal/client.js';
import { ConflictError, UnavailableError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  cancelSubscriptionUpdate,
  openActivationCheckoutUpdate,
  SUBSCRIPTION_FAILURES,
  subscriptionStartOptions,
  undoCancellationUpdate,
  type ActivationCheckout,
  type SubscriptionChange,
  type SubscriptionSettings,
  type SubscriptionView,
} from '../../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../../workflows/subscription/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import { selectCustomerSite } from './site-access.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;
type SiteKey = Pick<ISite, 'id' | 'slug'>;

/** How long the API waits for the workflow to apply a requested change. */
const CHANGE_WAIT_MS = 10_000;

/** The 409 the API answers for each change the workflow refuses. */
const CHANGE_CONFLICTS: Record<string, { code: string; message: string }> = {
  [SUBSCRIPTION_FAILURES.notActive]: { code: 'subscription_not_active', message: 'This site has no active subscription to cancel.' },
  [SUBSCRIPTION_FAILURES.alreadyCancelled]: { code: 'subscription_already_cancelled', message: 'The subscription of this site is already cancelled.' },
  [SUBSCRIPTION_FAILURES.notStarted]: { code: 'subscription_not_started', message: 'This subscription has never been active: start it with POST /api/v1/subscriptions/activate.' },
  [SUBSCRIPTION_FAILURES.notCancelling]: { code: 'subscription_already_active', message: 'The subscription of this site is active and not being cancelled.' },
  [SUBSCRIPTION_FAILURES.needsCheckout]: { code: 'subscription_needs_checkout', message: 'The subscription of this site has lapsed: reactivate it again to get a checkout.' },
};

/** The workflow's durations and links, from configuration. */
export function subscriptionSettings(config: AppConfig): SubscriptionSettings {
  return {
    billingPeriodMs: config.subscription.billingPeriodMs,
    gracePeriodMs: config.subscription.gracePeriodMs,
    renewalSlackMs: config.subscription.renewalSlackMs,
    checkoutExpiryMs: config.checkout.expiryMs,
    publicBaseUrl: config.publicBaseUrl,
    activationDeadlineMs: config.subscription.activationDeadlineMs,
    activationRemindersMs: config.subscription.activationRemindersMs,
  };
}

/** What the activation deadline is read from. */
export type ActivationDeadlineConfig = { subscription: Pick<AppConfig['subscription'], 'activationDeadlineMs'> };

/**
 * By when the owner of a bought site has to activate its subscription before the site is suspended: the purchase plus
 * the configured activation deadline, the same sum the subscription workflow waits for. Null once activated (or never bought).
 */
export function activationDeadline(config: ActivationDeadlineConfig, site: { subscriptionStatus: string; purchasedAt?: Date | null }): string | null {
  if (site.subscriptionStatus !== 'pending_activation' || !site.purchasedAt) return null;
  return new Date(site.purchasedAt.getTime() + config.subscription.activationDeadlineMs).toISOString();
}

/** The start options of the site's subscription workflow on this API's task queue. */
export function subscriptionStart(deps: Deps, site: SiteKey) {
  return { ...subscriptionStartOptions(site, subscriptionSettings(deps.config)), taskQueue: deps.config.temporal.taskQueue };
}

/** Opens the checkout that starts (or restarts) the site's subscription, starting its workflow if needed (update-with-start). */
export async function openActivationCheckout(deps: Deps, site: SiteKey): Promise<ActivationCheckout & { workflowId: string }> {
  const start = subscriptionStart(deps, site);
  const startWorkflowOperation = new WithStartWorkflowOperation(subscriptionWorkflow, { ...start, workflowIdConflictPolicy: 'USE_EXISTING' });
  const checkout = await callTemporal(deps, (client) => client.workflow.executeUpdateWithStart(openActivationCheckoutUpdate, { startWorkflowOperation }), {
    service: 'subscription',
    failure: (error) => {
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (failure instanceof ApplicationFailure && failure.type === SUBSCRIPTION_FAILURES.alreadyActive) {
        return new ConflictError('subscription_already_active', 'The subscription of this site is already active.');
      }
      return failure ? new UnavailableError('checkout_unavailable', 'The payment provider could not open a checkout. Try again in a minute.') : undefined;
    },
  });
  return { ...checkout, workflowId: start.workflowId };
}

/** What the API shows of a subscription: the workflow's view without its in-run bookkeeping (periods paid, open checkout). */
export type StoredSubscriptionView = Omit<SubscriptionView, 'periodsPaid' | 'checkout'>;

/**
 * The subscription as its workflow last stored it. The workflow writes every change the API shows to the row
 * before it answers an update or waits again, so reads need neither a workflow query nor Temporal at all.
 */
export function storedSubscriptionView(siteId: string, stored: ISubscription): StoredSubscriptionView {
  const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
  const ended = stored.providerSubscriptionEnded;
  return {
    siteId,
    status: stored.status,
    periodStart: iso(stored.currentPeriodStart),
    periodEnd: iso(stored.currentPeriodEnd),
    nextBillingDate: stored.status === 'active' && !stored.cancelAtPeriodEnd && !ended ? iso(stored.currentPeriodEnd) : null,
    graceEndsAt: iso(stored.graceEndsAt),
    cancelAtPeriodEnd: stored.cancelAtPeriodEnd,
    cancelledAt: iso(stored.cancelledAt),
    providerSubscriptionId: stored.providerSubscriptionId ?? null,
    providerSubscriptionEnded: ended,
    lastPaymentFailure: stored.lastPaymentFailure ?? null,
  };
}

/**
 * Runs a change (a workflow update) on the site's subscription and answers the workflow's result. A change the
 * workflow's validator refuses, or a site without a subscription workflow, is a 409 and changes nothing.
 */
async function changeSubscription(
  deps: Deps,
  siteId: string,
  whenNoWorkflow: string,
  update: (handle: WorkflowHandle<typeof subscriptionWorkflow>) => Promise<SubscriptionChange>,
): Promise<SubscriptionChange> {
  const conflict = (type: string) => new ConflictError(CHANGE_CONFLICTS[type]!.code, CHANGE_CONFLICTS[type]!.message);
  return callTemporal(deps, (client) => update(client.workflow.getHandle<typeof subscriptionWorkflow>(workflowIds.subscription(siteId))), {
    timeoutMs: CHANGE_WAIT_MS,
    service: 'subscription',
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return conflict(whenNoWorkflow);
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (failure instanceof ApplicationFailure && failure.type && failure.type in CHANGE_CONFLICTS) return conflict(failure.type);
      if (isGrpcDeadlineError(error)) {
        return new UnavailableError('subscription_busy', 'The subscription did not answer in time; the change may still be applied. Check its status in a minute.', TEMPORAL_RETRY_AFTER_SECONDS);
      }
      return undefined;
    },
  });
}

/** Cancels the subscription (at period end or now) through its workflow; answers once the workflow has applied it. */
export function requestCancellation(deps: Deps, site: SiteKey, atPeriodEnd: boolean): Promise<SubscriptionChange> {
  return changeSubscription(deps, site.id, SUBSCRIPTION_FAILURES.notActive, (handle) => handle.executeUpdate(cancelSubscriptionUpdate, { args: [{ atPeriodEnd }] }));
}

/** Takes back a cancellation that has not taken effect yet; answers once the workflow has applied it. */
export function requestUndoCancellation(deps: Deps, site: SiteKey): Promise<SubscriptionChange> {
  return changeSubscription(deps, site.id, SUBSCRIPTION_FAILURES.notStarted, (handle) => handle.executeUpdate(undoCancellationUpdate));
}

/** A site as the subscription answers show it. */
export type SubscribedSite = Pick<ISite, 'id' | 'slug' | 'monthlyAmountCents' | 'currency'>;

/** The owner's site (billing is for owners only) that has a subscription record (it was bought), and that subscription as stored. */
export async function subscribedSite(em: EntityManager, customerId: string, siteId: string | undefined): Promise<{ site: ISite; view: StoredSubscriptionView }> {
  const site = await selectCustomerSite(em, customerId, siteId, 'billing.manage');
  const stored = await em.findOne(Subscription, { site: site.id });
  if (!stored) throw new ConflictError('subscription_unavailable', 'This site has no subscription to manage');
  return { site, view: storedSubscriptionView(site.id, stored) };
}
