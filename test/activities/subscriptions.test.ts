import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type PaymentGateway } from '../../lib/payments/gateway.js';
import { createPaymentLedgerActivities } from '../../activities/payment-ledger.js';
import { createPaymentActivities } from '../../activities/payments.js';
import { createSubscriptionActivities, type SubscriptionSnapshot } from '../../activities/subscriptions.js';
import { createMailer } from '../../lib/postmark/mailer.js';
import { CustomerSiteOwnership, CustomerUser, OperatorCase, Payment, Site, Subscription } from '../../db/entities/index.js';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase, testConfig } from '../helpers/env.js';

const config = testConfig();
let orm: MikroORM;
let activities: ReturnType<typeof createSubscriptionActivities>;

beforeAll(async () => {
  orm = await openOrm(config.database);
  activities = createSubscriptionActivities({ orm });
});
afterAll(() => orm.close());
beforeEach(async () => {
  await resetDatabase(orm);
  await seedDemoSites(orm.em.fork(), config.pricing);
});

/** A bought site (owned, subscription awaiting activation) and its owner. */
async function ownedSite(slug = 'plumber-joe') {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug });
  site.status = 'owned';
  site.subscriptionStatus = 'pending_activation';
  const customer = em.create(CustomerUser, { email: 'ana@example.com', fullName: 'Ana Owner' });
  em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  em.create(Subscription, { site, customer, status: 'pending_activation', amountCents: 9500, currency: 'USD' });
  await em.flush();
  return { siteId: site.id, customerId: customer.id };
}

const active: SubscriptionSnapshot = {
  status: 'active',
  providerSubscriptionId: 'su_1',
  periodStart: '2026-01-01T00:00:00.000Z',
  periodEnd: '2026-01-31T00:00:00.000Z',
  graceEndsAt: null,
  cancelAtPeriodEnd: false,
  cancelledAt: null,
};

async function rows(siteId: string) {
  const em = orm.em.fork();
  return { site: await em.findOneOrFail(Site, siteId), subscription: await em.findOneOrFail(Subscription, { site: siteId }) };
}

describe('subscription database activities', () => {
  it('loads the site, its owner and the stored subscription; a site never bought fails without retrying', async () => {
    const { siteId, customerId } = await ownedSite();
    expect(await activities.loadSubscriptionSite(siteId)).toMatchObject({
      siteId,
      slug: 'plumber-joe',
      amountCents: 9500,
      currency: 'USD',
      owner: { customerId, email: 'ana@example.com', name: 'Ana Owner' },
      stored: { status: 'pending_activation', providerSubscriptionId: null, periodEnd: null, cancelAtPeriodEnd: false },
    });
    const preview = await orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' });
    await expect(activities.loadSubscriptionSite(preview.id)).rejects.toMatchObject({ type: 'SubscriptionNotFound', nonRetryable: true });
  });

  it('writes the subscription and the site together, the same however often it runs', async () => {
    const { siteId } = await ownedSite();
    await activities.saveSubscriptionState({ siteId, snapshot: active });
    await activities.saveSubscriptionState({ siteId, snapshot: active });
    let state = await rows(siteId);
    expect(state.subscription).toMatchObject({ status: 'active', providerSubscriptionId: 'su_1', cancelAtPeriodEnd: false });
    expect(state.subscription.currentPeriodEnd?.toISOString()).toBe(active.periodEnd);
    expect(state.site).toMatchObject({ status: 'active', subscriptionStatus: 'active', graceEndsAt: null });
    expect(state.site.nextBillingDate?.toISOString()).toBe(active.periodEnd);

    await activities.saveSubscriptionState({ siteId, snapshot: { ...active, status: 'past_due', graceEndsAt: '2026-02-07T00:00:00.000Z' } });
    state = await rows(siteId);
    expect(state.site).toMatchObject({ status: 'active', subscriptionStatus: 'past_due', nextBillingDate: null });
    expect(state.site.graceEndsAt?.toISOString()).toBe('2026-02-07T00:00:00.000Z');

    await activities.saveSubscriptionState({ siteId, snapshot: { ...active, status: 'suspended' } });
    expect((await rows(siteId)).site).toMatchObject({ status: 'suspended', subscriptionStatus: 'suspended', graceEndsAt: null });

    await activities.saveSubscriptionState({ siteId, snapshot: { ...active, status: 'cancelled', cancelledAt: '2026-02-10T00:00:00.000Z' } });
    state = await rows(siteId);
    expect(state.site).toMatchObject({ status: 'cancelled', subscriptionStatus: 'cancelled', nextBillingDate: null });
    expect(state.subscription.cancelledAt?.toISOString()).toBe('2026-02-10T00:00:00.000Z');

    await activities.saveSubscriptionState({ siteId, snapshot: { ...active, cancelAtPeriodEnd: true } });
    expect((await rows(siteId)).site).toMatchObject({ status: 'active', nextBillingDate: null });
  });

  it('stores what the API reads besides the snapshot, and leaves it alone when a run recorded before it sends none', async () => {
    const { siteId } = await ownedSite();
    await activities.saveSubscriptionState({ siteId, snapshot: active, detail: { providerSubscriptionEnded: true, lastPaymentFailure: 'Fondos insuficientes' } });
    let state = await rows(siteId);
    expect(state.subscription).toMatchObject({ providerSubscriptionEnded: true, lastPaymentFailure: 'Fondos insuficientes' });
    // The provider will not charge again: nothing is due, even though the period is paid and not being cancelled.
    expect(state.site).toMatchObject({ status: 'active', nextBillingDate: null });

    await activities.saveSubscriptionState({ siteId, snapshot: { ...active, status: 'past_due' } });
    state = await rows(siteId);
    expect(state.subscription).toMatchObject({ status: 'past_due', providerSubscriptionEnded: true, lastPaymentFailure: 'Fondos insuficientes' });

    await activities.saveSubscriptionState({ siteId, snapshot: active, detail: { providerSubscriptionEnded: false, lastPaymentFailure: null } });
    state = await rows(siteId);
    expect(state.subscription).toMatchObject({ status: 'active', providerSubscriptionEnded: false, lastPaymentFailure: null });
    expect(state.site.nextBillingDate?.toISOString()).toBe(active.periodEnd);
  });

  it('records a charge once per provider payment id, failed charges without a paid time', async () => {
    const { siteId, customerId } = await ownedSite();
    const charge = {
      siteId, customerId, providerPaymentId: 'pa_1', providerCheckoutId: 'ch_1', providerSubscriptionId: 'su_1',
      amountCents: 9500, currency: 'USD', status: 'succeeded' as const, failureReason: null, at: '2026-01-01T00:00:00.000Z',
    };
    const ledger = createPaymentLedgerActivities({ orm });
    const first = await ledger.recordSubscriptionPayment(charge);
    expect(await ledger.recordSubscriptionPayment(charge)).toEqual(first);
    await ledger.recordSubscriptionPayment({ ...charge, providerPaymentId: 'pa_2', status: 'failed', failureReason: 'card declined' });

    const payments = await orm.em.fork().find(Payment, { site: siteId }, { orderBy: { providerPaymentId: 'asc' } });
    expect(payments.map((p) => [p.providerPaymentId, p.kind, p.status, p.paidAt?.toISOString() ?? null, p.failureReason ?? null])).toEqual([
      ['pa_1', 'subscription', 'succeeded', '2026-01-01T00:00:00.000Z', null],
      ['pa_2', 'subscription', 'failed', null, 'card declined'],
    ]);
    expect(payments[0]?.customer?.id).toBe(customerId);
  });
});

describe('provider subscription activities', () => {
  function gatewayFailing(error: Error | null, calls: string[]): PaymentGateway {
    return {
      createCheckout: () => Promise.reject(new Error('not used')),
      getCheckout: () => Promise.reject(new Error('not used')),
      getSubscription: () => Promise.reject(new Error('not used')),
      refund: () => Promise.reject(new Error('not used')),
      cancelSubscription: async (id, key) => {
        calls.push(`${id} ${key}`);
        if (error) throw error;
      },
    };
  }

  it('cancels with the given key, treats "gone" as already ended, raises other refusals to operators, and retries outages', async () => {
    const calls: string[] = [];
    const env = new MockActivityEnvironment();
    const input = { subscriptionId: 'su_1', idempotencyKey: 'sub:site:20260101T000000.000Z:cancel' };
    const cancel = (error: Error | null) => {
      const subscriptionPayments = createPaymentActivities({ gateway: gatewayFailing(error, calls), config, orm, mailer: createMailer(config.postmark) });
      return (request: typeof input) => subscriptionPayments.cancelProviderSubscription(request);
    };

    expect(await env.run(cancel(null), input)).toEqual({ status: 'cancelled' });
    expect(await env.run(cancel(GatewayError.fromStatus(404, 'not found')), input)).toEqual({ status: 'already_ended' });
    expect(await env.run(cancel(GatewayError.fromStatus(403, 'forbidden')), input)).toEqual({ status: 'refused' });
    await expect(env.run(cancel(GatewayError.fromStatus(503, 'unavailable')), input)).rejects.toBeInstanceOf(GatewayError);
    expect(calls).toEqual(Array.from({ length: 4 }, () => 'su_1 sub:site:20260101T000000.000Z:cancel'));
    const cases = await orm.em.fork().find(OperatorCase, {});
    expect(cases.map((c) => [c.kind, c.key, c.resolvedAt ?? null])).toEqual([['cancel_refused', `cancel_refused:${input.idempotencyKey}`, null]]);
    expect(cases[0]?.reason).toContain('forbidden');
  });
});
