import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { Business, Site } from '../../db/entities/index.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { signalledEventIds } from '../helpers/history.js';
import { claimPayment, deliver, settled, siteIds } from '../helpers/webhook-inbox.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ WEBHOOK_RELAY_POLL: '200ms', WEBHOOK_RELAY_RETRY_MIN: '100ms', WEBHOOK_RELAY_RETRY_MAX: '400ms' });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
});

describe('webhook inbox relay', () => {
  it('delivers a claim payment to its workflow once, however often the provider redelivers it', async () => {
    const [siteId] = await siteIds(api);
    const body = claimPayment(siteId!);
    expect((await deliver(api, 'msg_once', body)).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(api, 'msg_once', body)).json()).toEqual({ received: true, duplicate: true });
    const row = await settled(api, 'msg_once');
    expect(row.workflowId).toBe(workflowIds.claim(siteId!));
    expect((await deliver(api, 'msg_once', body)).json()).toEqual({ received: true, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await signalledEventIds(api.temporal, workflowIds.claim(siteId!))).toEqual(['msg_once']);
  });

  it.each([
    ['a site id that is not a UUID', 'msg_bad_site', claimPayment('not-a-uuid'), /^invalid_field: metadata\.site_id/],
    ['a svix-id over 255 characters', `msg_${'x'.repeat(300)}`, claimPayment(randomUUID()), /^invalid_event_id: /],
    ['created_at "yesterday"', 'msg_yesterday', claimPayment(randomUUID(), { created_at: 'yesterday' }), /^invalid_field: created_at/],
    ['an amount of the wrong type', 'msg_amount_type', claimPayment(randomUUID(), { amount_in_cents: { value: 1 } }), /^invalid_shape: /],
    ['a NUL character in the claimant name', 'msg_nul', claimPayment(randomUUID(), {}, { claim_name: 'Bad\u0000Name' }), /^unstorable_text: /],
    ['a lone surrogate in the claimant name', 'msg_surrogate', claimPayment(randomUUID()).replace('"Buyer"', '"Bad\\ud800Name"'), /^unstorable_text: /],
    ['a raw NUL byte in the body', 'msg_nul_byte', claimPayment(randomUUID()).replace('"Buyer"', '"Bad\u0000Name"').replace('Bad\\u0000', 'Bad\u0000'), /^invalid_json: /],
  ])('stores a signed delivery with %s, answers 200 and parks it with the reason', async (_name, id, body, reason) => {
    const res = await deliver(api, id, body);
    expect(res.statusCode).toBe(200);
    const row = await settled(api, id);
    expect(row.processedAt).toBeNull();
    expect(row.parkedReason).toMatch(reason);
    expect(Buffer.from(row.body!).toString('utf8')).toBe(body);
  });

  it('lists parked events for operators and re-queues one after its cause is repaired', async () => {
    const siteId = randomUUID();
    await deliver(api, 'msg_repair', claimPayment(siteId));
    const parked = await settled(api, 'msg_repair');
    expect(parked.parkedReason).toMatch(/^unroutable_payment: claim payment for unknown site/);
    const admin = { authorization: `Bearer ${api.config.auth.adminApiToken}` };

    expect((await api.app.inject({ method: 'GET', url: '/api/v1/admin/webhook-events?status=parked' })).statusCode).toBe(401);
    const list = await api.app.inject({ method: 'GET', url: '/api/v1/admin/webhook-events?status=parked', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ events: { id: string; parked_reason: string }[] }>().events).toEqual([expect.objectContaining({ id: parked.id, parked_reason: parked.parkedReason })]);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/admin/webhook-events?status=gone', headers: admin })).statusCode).toBe(400);

    // The repair: the site the payment names now exists.
    const em = api.orm.em.fork();
    const business = em.create(Business, { name: 'Repaired Plumbing', category: 'plumber' });
    em.create(Site, { id: siteId, slug: `repaired-${siteId.slice(0, 8)}`, business, title: 'Repaired', purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
    await em.flush();

    const retry = await api.app.inject({ method: 'POST', url: `/api/v1/admin/webhook-events/${parked.id}/retry`, headers: admin });
    expect(retry.statusCode).toBe(202);
    const delivered = await settled(api, 'msg_repair');
    expect(delivered).toMatchObject({ workflowId: workflowIds.claim(siteId), parkedAt: null, parkedReason: null });
    expect(await signalledEventIds(api.temporal, workflowIds.claim(siteId))).toEqual(['msg_repair']);

    expect((await api.app.inject({ method: 'POST', url: `/api/v1/admin/webhook-events/${parked.id}/retry`, headers: admin })).statusCode).toBe(409);
    expect((await api.app.inject({ method: 'POST', url: `/api/v1/admin/webhook-events/${randomUUID()}/retry`, headers: admin })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/admin/webhook-events/nope/retry', headers: admin })).statusCode).toBe(400);
  });

  it('two API processes on one database deliver each event exactly once', async () => {
    const other = await createTestApi({ TEMPORAL_TASK_QUEUE: api.config.temporal.taskQueue, WEBHOOK_RELAY_POLL: '200ms' });
    try {
      await other.app.ready();
      const sites = await siteIds(api);
      const sent = new Map<string, string[]>();
      await Promise.all(Array.from({ length: 30 }, async (_, i) => {
        const siteId = sites[i % sites.length]!;
        const id = `msg_pair_${i}`;
        sent.set(siteId, [...(sent.get(siteId) ?? []), id]);
        const res = await deliver(i % 2 === 0 ? api : other, id, claimPayment(siteId));
        expect(res.statusCode).toBe(200);
      }));
      for (const ids of sent.values()) for (const id of ids) expect((await settled(api, id)).processedAt).toBeInstanceOf(Date);
      for (const [siteId, ids] of sent) {
        expect((await signalledEventIds(api.temporal, workflowIds.claim(siteId))).sort()).toEqual([...ids].sort());
      }
    } finally {
      await other.close();
    }
  });
});
