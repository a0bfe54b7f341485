import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Site, Subscription } from '../../db/entities/index.js';
import type { RecurrenteEvent } from '../../lib/recurrente/events.js';
import { claimPaymentFailedSignal, claimPaymentSucceededSignal } from '../../workflows/claim/contract.js';
import { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { providerCancelledSignal, subscriptionPaymentFailedSignal, subscriptionPaymentSucceededSignal, subscriptionStartOptions } from '../../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../../workflows/subscription/workflow.js';
import type { ApiDeps } from '../deps.js';
import { claimStart } from '../services/claims.js';
import { subscriptionSettings } from '../services/subscriptions.js';

type Deps = Pick<ApiDeps, 'config'>;

/** Runs one call into Temporal under the caller's deadline and cancellation (the relay's `callTemporal`). */
export type TemporalCaller = <R>(call: (client: Client) => Promise<R>) => Promise<R>;
type SiteKey = { id: string; slug: string; currency: string };

/**
 * What routing decided: `delivered` to a workflow (signal-with-start or signal), `stored` only (nothing to act on),
 * or `parked` for an operator (e.g. a successful payment nobody can be credited for).
 */
export type RouteOutcome = { kind: 'delivered'; workflowId: string } | { kind: 'stored' } | { kind: 'parked'; reason: string };

const stored: RouteOutcome = { kind: 'stored' };
const parked = (reason: string): RouteOutcome => ({ kind: 'parked', reason });

/**
 * The one place that maps a validated Recurrente event to the workflow signal it means. Temporal errors are thrown
 * (the relay retries); everything else ends in an outcome. Workflows drop signals whose event id they have applied.
 */
export async function routeRecurrenteEvent(temporal: TemporalCaller, deps: Deps, em: EntityManager, event: RecurrenteEvent): Promise<RouteOutcome> {
  // The provider sends the unified intent.* family in addition to the legacy events; we act on the legacy family only.
  if (event.family === 'intent') return stored;
  if (event.metadata.purpose === 'claim') return routeClaimEvent(temporal, deps, em, event);
  return routeSubscriptionEvent(temporal, deps, em, event);
}

async function routeClaimEvent(temporal: TemporalCaller, deps: Deps, em: EntityManager, event: RecurrenteEvent): Promise<RouteOutcome> {
  const succeeded = event.type === 'payment_intent.succeeded';
  const siteId = event.metadata.site_id;
  if (!siteId) return succeeded ? parked('unroutable_payment: claim payment without metadata.site_id') : stored;
  const site = await em.findOne(Site, { id: siteId }, { fields: ['id', 'slug', 'currency'] });
  if (!site) return succeeded ? parked(`unroutable_payment: claim payment for unknown site ${siteId}`) : stored;
  if (succeeded) {
    const { claim_email: email, claim_name: name } = event.metadata;
    if (!event.paymentIntentId || event.amountCents === undefined || !email || !name) {
      return parked('unroutable_payment: claim payment without payment id, amount or claimant');
    }
    const workflowId = workflowIds.claim(site.id);
    // A run started here (none was running) grants ownership like one started by a purchase: same settings.
    const start = claimStart(deps, site);
    await temporal((client) => client.workflow.signalWithStart(claimSiteWorkflow, {
      ...start,
      args: [...start.args],
      signal: claimPaymentSucceededSignal,
      signalArgs: [{
        eventId: event.eventId,
        paymentIntentId: event.paymentIntentId,
        checkoutId: event.checkoutId ?? null,
        amountCents: event.amountCents,
        currency: event.currency ?? site.currency,
        paidAt: event.occurredAt ?? new Date().toISOString(),
        claimant: { email, name },
      }],
    }));
    return { kind: 'delivered', workflowId };
  }
  if (event.type === 'payment_intent.failed') {
    const workflowId = workflowIds.claim(site.id);
    return temporal((client) => client.workflow.getHandle(workflowId).signal(claimPaymentFailedSignal, {
      eventId: event.eventId, checkoutId: event.checkoutId ?? null, reason: event.failureReason ?? 'declined',
    }).then((): RouteOutcome => ({ kind: 'delivered', workflowId }), (error: unknown) => {
      // A decline with no claim running has nobody to tell.
      if (error instanceof WorkflowNotFoundError) return stored;
      throw error;
    }));
  }
  return stored;
}

const SUBSCRIPTION_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.failed', 'subscription.past_due', 'subscription.cancel']);

/** A subscription event (anything not about a claim) goes to the site's subscription workflow, started when needed. */
async function routeSubscriptionEvent(temporal: TemporalCaller, deps: Deps, em: EntityManager, event: RecurrenteEvent): Promise<RouteOutcome> {
  if (!SUBSCRIPTION_EVENTS.has(event.type)) return stored;
  const succeeded = event.type === 'payment_intent.succeeded';
  const site = await findSubscribedSite(em, event);
  if (!site) {
    if (!succeeded) return stored;
    const about = event.subscriptionId ? `subscription ${event.subscriptionId}` : event.metadata.site_id ? `site ${event.metadata.site_id}` : 'no site or subscription';
    return parked(`unroutable_payment: successful payment for ${about} matches no subscribed site`);
  }
  const start = { ...subscriptionStartOptions(site, subscriptionSettings(deps.config)), taskQueue: deps.config.temporal.taskQueue };
  const at = event.occurredAt ?? new Date().toISOString();
  if (succeeded) {
    if (!event.paymentIntentId || !event.subscriptionId || event.amountCents === undefined) {
      return parked('unroutable_payment: subscription payment without payment id, subscription id or amount');
    }
    await temporal((client) => client.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: subscriptionPaymentSucceededSignal,
      signalArgs: [{
        eventId: event.eventId,
        paymentIntentId: event.paymentIntentId,
        subscriptionId: event.subscriptionId,
        checkoutId: event.checkoutId ?? null,
        amountCents: event.amountCents,
        currency: event.currency ?? site.currency,
        paidAt: at,
      }],
    }));
  } else if (event.type === 'payment_intent.failed' || event.type === 'subscription.past_due') {
    await temporal((client) => client.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: subscriptionPaymentFailedSignal,
      signalArgs: [{
        eventId: event.eventId,
        paymentIntentId: event.paymentIntentId ?? null,
        subscriptionId: event.subscriptionId ?? null,
        amountCents: event.amountCents ?? null,
        currency: event.currency ?? null,
        reason: event.failureReason ?? (event.type === 'subscription.past_due' ? 'The provider could not charge the subscription' : 'declined'),
        failedAt: at,
      }],
    }));
  } else {
    if (!event.subscriptionId) return stored;
    const subscriptionId = event.subscriptionId;
    await temporal((client) => client.workflow.signalWithStart(subscriptionWorkflow, {
      ...start,
      signal: providerCancelledSignal,
      signalArgs: [{ eventId: event.eventId, subscriptionId }],
    }));
  }
  return { kind: 'delivered', workflowId: start.workflowId };
}

/** The site is found by the provider subscription id, else by the checkout's metadata (activation checkout). */
async function findSubscribedSite(em: EntityManager, event: RecurrenteEvent): Promise<SiteKey | null> {
  if (event.subscriptionId) {
    const known = await em.findOne(Subscription, { providerSubscriptionId: event.subscriptionId }, { populate: ['site'] });
    if (known) return known.site;
  }
  const siteId = event.metadata.purpose === 'subscription' ? event.metadata.site_id : undefined;
  if (!siteId) return null;
  const subscription = await em.findOne(Subscription, { site: siteId }, { populate: ['site'] });
  return subscription?.site ?? null;
}
