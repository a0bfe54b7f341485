import { randomUUID } from 'node:crypto';
import { Site, WebhookEvent } from '../../db/entities/index.js';
import { signWebhook } from '../../lib/recurrente/signature.js';
import type { TestApi } from './api.js';

/** The ids of the seeded sites, by slug. */
export async function siteIds(target: TestApi): Promise<string[]> {
  return (await target.orm.em.fork().find(Site, {}, { orderBy: { slug: 'asc' } })).map((site) => site.id);
}

/** A Recurrente `payment_intent.succeeded` body for a claim of the site; `extra` and `metadata` override fields. */
export function claimPayment(siteId: string, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `pa_${randomUUID().slice(0, 8)}`,
    event_type: 'payment_intent.succeeded',
    checkout: { id: `ch_${randomUUID().slice(0, 8)}`, status: 'paid', metadata: { purpose: 'claim', site_id: siteId, claim_email: 'buyer@example.com', claim_name: 'Buyer', ...metadata } },
    amount_in_cents: 49500,
    currency: 'USD',
    created_at: new Date().toISOString(),
    ...extra,
  });
}

/** Delivers a body to the webhook endpoint, signed as the provider would with this id. */
export function deliver(target: TestApi, id: string, body: string) {
  const headers = signWebhook(target.config.recurrente.webhookSecret, id, new Date(), body);
  return target.app.inject({ method: 'POST', url: '/api/v1/webhooks/recurrente', headers: { 'content-type': 'application/json', ...headers }, payload: body });
}

/** Waits until the relay has processed or parked the stored event, and answers its row. */
export async function settled(target: TestApi, providerEventId: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await target.orm.em.fork().findOneOrFail(WebhookEvent, { providerEventId });
    if (row.processedAt || row.parkedAt) return row;
    if (Date.now() > until) throw new Error(`${providerEventId} was neither processed nor parked: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
