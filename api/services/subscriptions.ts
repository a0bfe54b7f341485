import type { EntityManager } from '@mikro-orm/postgresql';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import { Subscription } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { AppConfig } from '../../lib/config.js';
import { ConflictError, UnavailableError } from '../../lib/errors.js';
import type { RecurrenteEvent } from '../../lib/recurrente-events.js';
import { workflowIds } from '../../workflows/ids.js';
import { SITE_SLUG } from '../../workflows/search-attributes.js';
import {
  cancelSignal,
  openActivationCheckoutUpdate,
  paymentFailedSignal,
  paymentSucceededSignal,
  providerCancelledSignal,
  reactivateSignal,
  SUBSCRIPTION_FAILURES,
  subscriptionStatusQuery,
  subscriptionWorkflow,
  type ActivationCheckout,
  type SubscriptionSettings,
  type SubscriptionView,
} from '../../workflows/subscription.js';
import type { ApiDeps } from '../deps.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;
type SiteKey = Pick<ISite, 'id' | 'slug'>;

/** How long the API waits for the workflow to answer a query or to show a requested change. */
const QUERY_DEADLINE_MS = 5_000;
const CHANGE_WAIT_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workflow's durations and links, from configuration. */
export function subscriptionSettings(config: AppConfig): SubscriptionSettings {
  return {
    billingPeriodMs: config.durations.billingPeriodMs,
    gracePeriodMs: config.durations.gracePeriodMs,
    renewalSlackMs: config.durations.renewalSlackMs,
    checkoutExpiryMs: config.durations.checkoutExpiryMs,
    publicBaseUrl: config.publicBaseUrl,
    activationDeadlineMs: config.money.activationDeadlineMs,
    activationRemindersMs: config.money.activationRemindersMs,
  };
}

function subscriptionStart(deps: Deps, site: SiteKey) {
  return {
    workflowId: workflowIds.subscription(site.id),
    taskQueue: deps.config.temporal.taskQueue,
    args: [{ siteId: site.id, settings: subscriptionSettings(deps.config) }] as [Parameters<typeof subscriptionWorkflow>[0]],
    typedSearchAttributes: [{ key: SITE_SLUG, value: site.slug }],
  };
}

/** Opens the checkout that starts (or restarts) the site's subscription, starting its workflow if needed (update-with-start). */
export async function openActivationCheckout(deps: Deps, site: SiteKey): Promise<ActivationCheckout & { workflowId: string }> {
  const start = subscriptionStart(deps, site);
  const startWorkflowOperation = new WithStartWorkflowOperation(subscriptionWorkflow, { ...start, workflowIdConflictPolicy: 'USE_EXISTING' });
  try {
    const checkout = await deps.temporal.workflow.executeUpdateWithStart(openActivationCheckoutUpdate, { startWorkflowOperation });
    return { ...checkout, workflowId: start.workflowId };
  } catch (error) {
    const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (failure instanceof ApplicationFailure && failure.type === SUBSCRIPTION_FAILURES.alreadyActive) {
      throw new ConflictError('subscription_already_active', 'The subscription of this site is already active.');
    }
    if (failure) throw new UnavailableError('checkout_unavailable', 'The payment provider could not open a checkout. Try again in a minute.');
    throw error;
  }
}

/** The subscription as its workflow sees it; from the stored row when no workflow runs (never activated) or it cannot answer. */
export async function readSubscription(deps: Deps, em: EntityManager, siteId: string, log?: FastifyBaseLogger): Promise<SubscriptionView> {
  try {
    return await queryWorkflow(deps.temporal, siteId);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) log?.warn({ err: error, siteId }, 'subscription workflow did not answer; reading the stored subscription');
  }
  const stored = await em.findOne(Subscription, { site: siteId });
  const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
  const status = stored?.status ?? 'pending_activation';
  return {
    siteId,
    status,
    periodStart: iso(stored?.currentPeriodStart),
    periodEnd: iso(stored?.currentPeriodEnd),
    nextBillingDate: status === 'active' && !stored?.cancelAtPeriodEnd ? iso(stored?.currentPeriodEnd) : null,
    graceEndsAt: iso(stored?.graceEndsAt),
    cancelAtPeriodEnd: stored?.cancelAtPeriodEnd ?? false,
    cancelledAt: iso(stored?.cancelledAt),
    providerSubscriptionId: stored?.providerSubscriptionId ?? null,
    providerSubscriptionEnded: false,
    periodsPaid: 0,
    lastPaymentFailure: null,
    checkout: null,
  };
}

function queryWorkflow(temporal: Client, siteId: string): Promise<SubscriptionView> {
  return temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
    temporal.workflow.getHandle(workflowIds.subscription(siteId)).query(subscriptionStatusQuery));
}

/** Waits (briefly) until the workflow shows a requested change; answers the last view and whether it showed. */
async function awaitChange(deps: Deps, siteId: string, done: (view: SubscriptionView) => boolean): Promise<{ view: SubscriptionView; applied: boolean }> {
  const until = Date.now() + CHANGE_WAIT_MS;
  for (;;) {
    const view = await queryWorkflow(deps.temporal, siteId);
    if (done(view) || Date.now() >= until) return { view, applied: done(view) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks the workflow to cancel (at period end or now) and waits until it has. */
export async function requestCancellation(deps: Deps, site: SiteKey, atPeriodEnd: boolean) {
  const start = subscriptionStart(deps, site);
  await deps.temporal.workflow.signalWithStart(subscriptionWorkflow, { ...start, signal: cancelSignal, signalArgs: [{ atPeriodEnd }] });
  return awaitChange(deps, site.id, (view) => view.status === 'cancelled' || (atPeriodEnd && view.cancelAtPeriodEnd));
}

/** Takes back a cancellation that has not taken effect yet, and waits until the workflow has. */
export async function requestUndoCancellation(deps: Deps, site: SiteKey) {
  const start = subscriptionStart(deps, site);
  await deps.temporal.workflow.signalWithStart(subscriptionWorkflow, { ...start, signal: reactivateSignal, signalArgs: [] });
  return awaitChange(deps, site.id, (view) => !view.cancelAtPeriodEnd);
}

/**
 * Routes a subscription event (anything not about a claim) to the site's subscription workflow, starting it when
 * needed. The site is found by the provider subscription id, else by the checkout's metadata. Returns the
 * workflow id, or null when the event only needs storing.
 */
export async function dispatchSubscriptionEvent(deps: Deps, em: EntityManager, event: RecurrenteEvent, log: FastifyBaseLogger): Promise<string | null> {
  const handled = ['payment_intent.succeeded', 'payment_intent.failed', 'subscription.past_due', 'subscription.cancel'];
  if (!handled.includes(event.type)) return null;
  const site = await findSubscribedSite(em, event);
  if (!site) {
    if (event.subscriptionId || event.metadata.purpose === 'subscription') {
      log.warn({ eventId: event.eventId, subscriptionId: event.subscriptionId }, 'subscription event for no known site; stored only');
    }
    return null;
  }
  const start = subscriptionStart(deps, site);
  const at = event.occurredAt ?? new Date().toISOString();
  if (event.type === 'payment_intent.succeeded') {
    if (!event.paymentIntentId || !event.subscriptionId || event.amountCents === undefined) {
      log.warn({ eventId: event.eventId }, 'subscription payment without payment id, subscription id or amount; stored only');
      return null;
    }
    await deps.temporal.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: paymentSucceededSignal,
      signalArgs: [{
        eventId: event.eventId,
        paymentIntentId: event.paymentIntentId,
        subscriptionId: event.subscriptionId,
        checkoutId: event.checkoutId ?? null,
        amountCents: event.amountCents,
        currency: event.currency ?? site.currency,
        paidAt: at,
      }],
    });
  } else if (event.type === 'payment_intent.failed' || event.type === 'subscription.past_due') {
    await deps.temporal.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: paymentFailedSignal,
      signalArgs: [{
        eventId: event.eventId,
        paymentIntentId: event.paymentIntentId ?? null,
        subscriptionId: event.subscriptionId ?? null,
        amountCents: event.amountCents ?? null,
        currency: event.currency ?? null,
        reason: event.failureReason ?? (event.type === 'subscription.past_due' ? 'The provider could not charge the subscription' : 'declined'),
        failedAt: at,
      }],
    });
  } else {
    if (!event.subscriptionId) return null;
    await deps.temporal.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: providerCancelledSignal,
      signalArgs: [{ eventId: event.eventId, subscriptionId: event.subscriptionId }],
    });
  }
  return start.workflowId;
}

async function findSubscribedSite(em: EntityManager, event: RecurrenteEvent): Promise<(SiteKey & { currency: string }) | null> {
  if (event.subscriptionId) {
    const known = await em.findOne(Subscription, { providerSubscriptionId: event.subscriptionId }, { populate: ['site'] });
    if (known) return known.site;
  }
  const siteId = event.metadata.purpose === 'subscription' ? event.metadata.site_id : undefined;
  if (!siteId || !UUID.test(siteId)) return null;
  const subscription = await em.findOne(Subscription, { site: siteId }, { populate: ['site'] });
  return subscription?.site ?? null;
}
