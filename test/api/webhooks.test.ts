import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookEvent } from '../../db/entities/index.js';
import { signWebhook } from '../../lib/recurrente/signature.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(() => resetDatabase(api.orm));

function event(type: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `pa_${randomUUID().slice(0, 8)}`,
    event_type: type,
    api_version: '2024-04-24',
    checkout: { id: 'ch_test', status: 'paid', metadata: {} },
    amount_in_cents: 49500,
    currency: 'USD',
    created_at: new Date().toISOString(),
    ...extra,
  });
}

async function deliver(body: string, options: { secret?: string; at?: Date; id?: string; headers?: Record<string, string> } = {}) {
  const id = options.id ?? `msg_${randomUUID()}`;
  const headers = signWebhook(options.secret ?? api.config.recurrente.webhookSecret, id, options.at ?? new Date(), body);
  return api.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks/recurrente',
    headers: { 'content-type': 'application/json', ...headers, ...options.headers },
    payload: body,
  });
}

const stored = () => api.orm.em.fork().count(WebhookEvent);

/** The inbox row once the relay has processed or parked it. */
async function settled(providerEventId: string) {
  for (let i = 0; i < 200; i += 1) {
    const row = await api.orm.em.fork().findOneOrFail(WebhookEvent, { providerEventId });
    if (row.processedAt || row.parkedAt) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${providerEventId} was neither processed nor parked`);
}

describe('POST /api/v1/webhooks/recurrente', () => {
  it('stores a verified event in the inbox as received and acknowledges it; a payment nobody can be credited for is parked', async () => {
    const body = event('payment_intent.succeeded');
    const res = await deliver(body, { id: 'msg_first' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });
    const row = await settled('msg_first');
    expect(row).toMatchObject({ provider: 'recurrente', type: 'payment_intent.succeeded', processedAt: null, workflowId: null });
    expect(Buffer.from(row.body!).toString('utf8')).toBe(body);
    expect(row.parkedReason).toMatch(/^unroutable_payment: /);
    expect(row.payload).toMatchObject({ event_type: 'payment_intent.succeeded', amount_in_cents: 49500 });
  });

  it('acknowledges a redelivery without storing or processing it again', async () => {
    const body = event('payment_intent.succeeded');
    expect((await deliver(body, { id: 'msg_again' })).json()).toEqual({ received: true, duplicate: false });
    for (let i = 0; i < 3; i += 1) expect((await deliver(body, { id: 'msg_again' })).json()).toEqual({ received: true, duplicate: true });
    expect(await stored()).toBe(1);
  });

  it('stores and acknowledges event types it does not act on, and the intent.* family', async () => {
    expect((await deliver(event('setup_intent.succeeded'), { id: 'msg_setup' })).statusCode).toBe(200);
    expect((await deliver(event('intent.succeeded'), { id: 'msg_intent' })).statusCode).toBe(200);
    for (const id of ['msg_setup', 'msg_intent']) expect((await settled(id)).processedAt).toBeInstanceOf(Date);
    const rows = await api.orm.em.fork().find(WebhookEvent, {}, { orderBy: { type: 'asc' } });
    expect(rows.map((r) => [r.type, r.workflowId])).toEqual([['intent.succeeded', null], ['setup_intent.succeeded', null]]);
  });

  it.each([
    ['a tampered body', async () => {
      const body = event('payment_intent.succeeded');
      const headers = signWebhook(api.config.recurrente.webhookSecret, 'msg_x', new Date(), body);
      return api.app.inject({ method: 'POST', url: '/api/v1/webhooks/recurrente', headers: { 'content-type': 'application/json', ...headers }, payload: body.replace('49500', '1') });
    }, 'webhook_bad_signature'],
    ['the wrong secret', () => deliver(event('payment_intent.succeeded'), { secret: 'whsec_d3Jvbmctc2VjcmV0LXZhbHVl' }), 'webhook_bad_signature'],
    ['a stale timestamp', () => deliver(event('payment_intent.succeeded'), { at: new Date(Date.now() - 10 * 60_000) }), 'webhook_stale_timestamp'],
    ['a timestamp from the future', () => deliver(event('payment_intent.succeeded'), { at: new Date(Date.now() + 10 * 60_000) }), 'webhook_stale_timestamp'],
    ['missing signature headers', () => api.app.inject({ method: 'POST', url: '/api/v1/webhooks/recurrente', headers: { 'content-type': 'application/json' }, payload: event('payment_intent.succeeded') }), 'webhook_missing_headers'],
  ])('refuses %s with 401 and stores nothing', async (_name, send, code) => {
    const res = await send();
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: code });
    expect(await stored()).toBe(0);
  });

  it('stores correctly signed malformed JSON or an unrecognisable payload and parks it with the reason', async () => {
    const cases = [['{"event_type": "payment_intent.succeeded",', 'invalid_json'], ['{"hello":"world"}', 'invalid_shape'], ['[]', 'invalid_shape']] as const;
    for (const [index, [body, reason]] of cases.entries()) {
      const res = await deliver(body, { id: `msg_bad_${index}` });
      expect(res.statusCode, body).toBe(200);
      const row = await settled(`msg_bad_${index}`);
      expect(row.parkedReason, body).toMatch(new RegExp(`^${reason}: `));
      expect(row.processedAt).toBeNull();
    }
    expect(await stored()).toBe(3);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/webhooks/recurrente', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(res.statusCode).toBe(415);
    expect(await stored()).toBe(0);
  });

  it('parks a claim payment for an unknown site without starting anything', async () => {
    const body = event('payment_intent.succeeded', { checkout: { id: 'ch_1', status: 'paid', metadata: { purpose: 'claim', site_id: randomUUID(), claim_email: 'a@b.co', claim_name: 'A' } } });
    expect((await deliver(body, { id: 'msg_unknown_site' })).statusCode).toBe(200);
    const row = await settled('msg_unknown_site');
    expect(row.workflowId).toBeNull();
    expect(row.parkedReason).toMatch(/^unroutable_payment: claim payment for unknown site/);
  });
});
