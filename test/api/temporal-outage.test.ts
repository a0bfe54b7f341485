import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Site, Subscription } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;

beforeAll(async () => {
  // Nothing listens on port 1: every call into Temporal fails as it would with Temporal down.
  api = await createTestApi({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_RPC_TIMEOUT: '3s' }, { relay: false });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
});

/** A 503 that tells the client when to come back, within the call's deadline. */
function expectRetryLater(res: { statusCode: number; body: string; headers: Record<string, unknown> }, error: string): void {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(JSON.parse(res.body)).toMatchObject({ error });
}

describe('calls into Temporal while it is unreachable', { timeout: 60_000 }, () => {
  it('answers a claim-status query with 503 and Retry-After', async () => {
    const site = await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    const started = Date.now();
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/claims/status?workflow_id=claim:${site.id}` });
    expectRetryLater(res, 'temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers a subscription cancellation with 503 and Retry-After, and changes nothing', async () => {
    const { customerId, token } = await signedInOwner(api, 'ana@example.com', ['plumber-joe']);
    const em = api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
    em.create(Subscription, { site, customer: customerId, status: 'active', amountCents: 9500, currency: 'USD', currentPeriodEnd: new Date(Date.now() + 86_400_000) });
    await em.flush();

    const res = await api.app.inject({ method: 'POST', url: '/api/v1/subscriptions/cancel', headers: { authorization: `Bearer ${token}` }, payload: {} });
    // An update past its deadline may still be applied, so the answer says so rather than "unavailable".
    expectRetryLater(res, 'subscription_busy');
    expect(await api.orm.em.fork().findOneOrFail(Subscription, { site: site.id })).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
  });
});
