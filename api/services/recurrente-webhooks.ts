import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger } from 'fastify';
import { Site, WebhookEvent } from '../../db/entities/index.js';
import type { RecurrenteEvent } from '../../lib/recurrente/events.js';
import type { ApiDeps } from '../deps.js';
import { deliverClaimPayment, deliverClaimPaymentFailure } from './claims.js';
import { dispatchSubscriptionEvent } from './subscriptions.js';

/** What happened to a delivery: routed to a workflow, stored only, or a redelivery of one already handled. */
export type IngestResult = { outcome: 'processed'; workflowId: string | null } | { outcome: 'duplicate' };

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** Routes an event to the workflow it concerns; returns that workflow's id, or null when the event only needs storing. */
async function dispatch(deps: Deps, em: EntityManager, event: RecurrenteEvent, log: FastifyBaseLogger): Promise<string | null> {
  // The provider sends the unified intent.* family in addition to the legacy events; we act on the legacy family only.
  if (event.family === 'intent') return null;
  if (event.metadata.purpose !== 'claim') return dispatchSubscriptionEvent(deps, em, event, log);
  if (!event.metadata.site_id) return null;
  const site = await em.findOne(Site, { id: event.metadata.site_id });
  if (!site) {
    log.warn({ eventId: event.eventId, siteId: event.metadata.site_id }, 'webhook names an unknown site');
    return null;
  }
  if (event.type === 'payment_intent.succeeded') {
    const { claim_email: email, claim_name: name } = event.metadata;
    if (!event.paymentIntentId || event.amountCents === undefined || !email || !name) {
      log.warn({ eventId: event.eventId }, 'claim payment without payment id, amount or claimant; stored only');
      return null;
    }
    return deliverClaimPayment(deps, site, {
      eventId: event.eventId,
      paymentIntentId: event.paymentIntentId,
      checkoutId: event.checkoutId ?? null,
      amountCents: event.amountCents,
      currency: event.currency ?? site.currency,
      paidAt: event.occurredAt ?? new Date().toISOString(),
      claimant: { email, name },
    });
  }
  if (event.type === 'payment_intent.failed') {
    return deliverClaimPaymentFailure(deps, site.id, { eventId: event.eventId, checkoutId: event.checkoutId ?? null, reason: event.failureReason ?? 'declined' });
  }
  return null;
}

/**
 * Stores a verified event in the inbox (once per provider event id) and hands it to its workflow.
 * A redelivery of an event already handled is acknowledged without doing anything; one whose earlier
 * handling failed part-way is handled again (workflows drop signals they have already applied).
 */
export async function ingestRecurrenteEvent(deps: Deps, em: EntityManager, event: RecurrenteEvent, payload: Record<string, unknown>, log: FastifyBaseLogger): Promise<IngestResult> {
  await em.upsert(WebhookEvent, { provider: 'recurrente', providerEventId: event.eventId, type: event.type, payload }, {
    onConflictFields: ['provider', 'providerEventId'],
    onConflictAction: 'ignore',
  });
  const stored = await em.findOneOrFail(WebhookEvent, { provider: 'recurrente', providerEventId: event.eventId });
  if (stored.processedAt) return { outcome: 'duplicate' };
  const workflowId = await dispatch(deps, em, event, log);
  await em.nativeUpdate(WebhookEvent, { id: stored.id }, { processedAt: new Date(), workflowId });
  return { outcome: 'processed', workflowId };
}
