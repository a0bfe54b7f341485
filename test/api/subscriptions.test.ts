import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, EmailMessage, OperatorCase, Payment, ProcessedPayment, Subscription, WebhookEvent } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { createTestApi } from '../helpers/api.js';
import { pressCheckoutButton } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, billingRows, buySite, stopSubscriptionWorkflows, subscriptionCall } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ GRACE_PERIOD: '3s' });
});
afterAll(() => stack.stop());
afterEach(() => stopSubscriptionWorkflows(stack));
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
  stack.recurrente.setDeliveryMode({});
});

const page = async (slug: string) => {
  await stack.api.app.siteChanges.sync();
  return (await stack.api.app.inject({ method: 'GET', url: `/sites/${slug}` })).statusCode;
};
const sentEmails = async (siteId: string) =>
  (await stack.api.orm.em.fork().find(EmailMessage, { idempotencyKey: { $like: `sub:${siteId}:%` }, status: 'sent' }, { orderBy: { createdAt: 'asc' } })).map((e) => e.template);

/** The site's current subscription run (a handle pinned to it, which outlives its continue-as-new). */
async function subscriptionRun(siteId: string) {
  const { runId } = await stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId)).describe();
  return stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId), runId);
}

/** The site's subscription run once the activation payment has continued the first run as new (pinned to it). */
async function activatedRun(siteId: string) {
  const handle = stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId));
  const { runId } = await eventually(() => handle.describe(), (described) => described.runId !== described.raw.workflowExecutionInfo?.firstRunId);
  return stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId), runId);
}

/** The provider's own view of a subscription, read through the simulated Recurrente API. */
async function providerSubscription(id: string): Promise<{ status: string }> {
  const { publicKey, secretKey } = stack.config.recurrente;
  const res = await fetch(`${stack.recurrente.apiUrl}/subscriptions/${id}`, { headers: { 'x-public-key': publicKey, 'x-secret-key': secretKey } });
  return (await res.json()) as { status: string };
}

async function ownerWithSite(slug = 'plumber-joe', email = 'ana@example.com') {
  const siteId = await buySite(stack, slug, email);
  return { siteId, token: await accessTokenFor(stack, email) };
}

describe('subscription activation', () => {
  it('activates through a recurring checkout: site and subscription active, next billing date set, one email', async () => {
    const { siteId, token } = await ownerWithSite();
    const before = await subscriptionCall(stack, token, 'GET', '/status');
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ site_id: siteId, status: 'pending_activation', next_billing_date: null, amount: 95, currency: 'USD' });

    const first = await subscriptionCall(stack, token, 'POST', '/activate');
    expect(first.statusCode, first.body).toBe(200);
    const activationRun = await subscriptionRun(siteId);
    const again = await subscriptionCall(stack, token, 'POST', '/activate', {});
    expect(again.json<{ checkout_url: string }>().checkout_url).toBe(first.json<{ checkout_url: string }>().checkout_url);
    const checkouts = stack.recurrente.checkouts().filter((c) => c.metadata.purpose === 'subscription');
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).toMatchObject({ totalCents: 9500, currency: 'USD', metadata: { site_id: siteId }, items: [{ recurring: { interval: 'month', intervalCount: 1 } }] });

    const paidAt = Date.now();
    expect(await pressCheckoutButton(first.json<{ checkout_url: string }>().checkout_url, 'pay')).toBe(303);
    const { subscription, site } = await eventually(() => billingRows(stack, siteId), (rows) => rows.site.status === 'active' && rows.subscription.status === 'active');
    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, graceEndsAt: null });
    expect(subscription.providerSubscriptionId).toMatch(/^su_/);
    expect(site.subscriptionStatus).toBe('active');
    expect(site.nextBillingDate?.getTime()).toBe(subscription.currentPeriodEnd?.getTime());
    expect(Math.abs(site.nextBillingDate!.getTime() - paidAt - 30 * 86_400_000)).toBeLessThan(30_000);
    const payment = await stack.api.orm.em.fork().findOneOrFail(Payment, { kind: 'subscription' });
    expect(payment).toMatchObject({ amountCents: 9500, status: 'succeeded', providerSubscriptionId: subscription.providerSubscriptionId });
    await eventually(() => sentEmails(siteId), (templates) => templates.length > 0);
    expect(await sentEmails(siteId)).toEqual(['subscription_activated']);

    const status = await subscriptionCall(stack, token, 'GET', `/status?site_id=${siteId}`);
    expect(status.json()).toMatchObject({
      status: 'active',
      current_period_end: subscription.currentPeriodEnd!.toISOString(),
      next_billing_date: subscription.currentPeriodEnd!.toISOString(),
      grace_ends_at: null,
      cancel_at_period_end: false,
    });
    const duplicate = await subscriptionCall(stack, token, 'POST', '/activate');
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ error: 'subscription_already_active' });
    await recordHistory(activationRun, 'subscription-activation', { closed: true });
  });

  it('extends the period once for a renewal the provider delivers three times', async () => {
    const { siteId, token } = await ownerWithSite();
    const providerId = await activateSubscription(stack, token, siteId);
    const { subscription: first } = await billingRows(stack, siteId);
    stack.recurrente.setDeliveryMode({ duplicate: 3 });
    await stack.recurrente.renewSubscription(providerId, 'succeeded');
    const { subscription } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.currentPeriodStart?.getTime() === first.currentPeriodEnd?.getTime());
    await stack.recurrente.flush();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = (await billingRows(stack, siteId)).subscription;
    expect(after.currentPeriodEnd?.getTime()).toBe(subscription.currentPeriodEnd?.getTime());
    expect(after.currentPeriodEnd!.getTime() - first.currentPeriodEnd!.getTime()).toBe(30 * 86_400_000);
    expect(await stack.api.orm.em.fork().count(Payment, { kind: 'subscription' })).toBe(2);
    expect(await sentEmails(siteId)).toEqual(['subscription_activated']);
  });
});

describe('dunning', () => {
  it('applies a renewal delivered after the provider marked the subscription past due, once, and parks nothing', async () => {
    const { siteId, token } = await ownerWithSite();
    const providerId = await activateSubscription(stack, token, siteId);
    // The renewal goes through, the next charge is declined (the provider marks the subscription past due), and the
    // deliveries go out three times each, newest first: past due, the decline, then the renewal.
    stack.recurrente.setDeliveryMode({ duplicate: 3, reorder: true });
    await stack.recurrente.renewSubscription(providerId, 'succeeded');
    await stack.recurrente.renewSubscription(providerId, 'failed');
    expect((await providerSubscription(providerId)).status).toBe('past_due');
    await stack.recurrente.flush();

    const em = () => stack.api.orm.em.fork();
    const renewed = await eventually(
      async () => ({ rows: await billingRows(stack, siteId), paid: await em().count(Payment, { site: siteId, kind: 'subscription', status: 'succeeded' }) }),
      ({ rows, paid }) => paid === 2 && rows.subscription.status === 'active',
    );
    expect(renewed.rows.site.status).toBe('active');
    await eventually(() => em().count(WebhookEvent, { processedAt: null, parkedAt: null }), (pending) => pending === 0);
    expect(await em().count(WebhookEvent, { parkedAt: { $ne: null } })).toBe(0);
    expect(await em().count(ProcessedPayment, { site: siteId, kind: 'subscription', outcome: 'applied' })).toBe(2);
    expect(await em().count(Payment, { site: siteId, kind: 'subscription', status: 'failed' })).toBe(1);
    expect(await em().count(OperatorCase, {})).toBe(0);
    expect((await billingRows(stack, siteId)).subscription.status).toBe('active');
  });

  it('past due with one email and the site online, suspended after the grace period, restored by a reactivation checkout; other sites untouched', async () => {
    const joe = await ownerWithSite('plumber-joe');
    const bob = await buySite(stack, 'roofer-bob', 'ana@example.com');
    const failing = await activateSubscription(stack, joe.token, joe.siteId);
    const healthy = await activateSubscription(stack, joe.token, bob);
    const dunningRun = await activatedRun(joe.siteId);

    await stack.recurrente.renewSubscription(failing, 'failed');
    const { subscription: pastDue, site } = await eventually(() => billingRows(stack, joe.siteId), (rows) => rows.subscription.status === 'past_due');
    expect(site).toMatchObject({ status: 'active', subscriptionStatus: 'past_due' });
    expect(site.graceEndsAt?.getTime()).toBe(pastDue.graceEndsAt?.getTime());
    expect(await page('plumber-joe')).toBe(200);
    const status = await subscriptionCall(stack, joe.token, 'GET', `/status?site_id=${joe.siteId}`);
    expect(status.json()).toMatchObject({ status: 'past_due', grace_ends_at: pastDue.graceEndsAt!.toISOString(), next_billing_date: null });
    expect(status.json<{ last_payment_failure: string }>().last_payment_failure).toMatch(/banco/);
    // The provider's retry fails too: still one email, same deadline.
    await stack.recurrente.renewSubscription(failing, 'failed');

    const suspended = await eventually(() => billingRows(stack, joe.siteId), (rows) => rows.subscription.status === 'suspended');
    expect(suspended.site.status).toBe('suspended');
    expect(Date.now()).toBeGreaterThanOrEqual(pastDue.graceEndsAt!.getTime());
    expect(await page('plumber-joe')).toBe(503);
    await eventually(() => sentEmails(joe.siteId), (templates) => templates.length === 3);
    expect(await sentEmails(joe.siteId)).toEqual(['subscription_activated', 'payment_failed', 'site_suspended']);
    expect(await stack.api.orm.em.fork().count(Payment, { kind: 'subscription', status: 'failed', site: joe.siteId })).toBe(2);

    const other = await billingRows(stack, bob);
    expect(other.subscription.status).toBe('active');
    expect(other.site.status).toBe('active');
    expect(await page('roofer-bob')).toBe(200);

    const reactivation = await subscriptionCall(stack, joe.token, 'POST', '/reactivate', { site_id: joe.siteId });
    expect(reactivation.statusCode, reactivation.body).toBe(200);
    expect(reactivation.json()).toMatchObject({ status: 'suspended' });
    await pressCheckoutButton(reactivation.json<{ checkout_url: string }>().checkout_url, 'pay');
    const restored = await eventually(() => billingRows(stack, joe.siteId), (rows) => rows.subscription.status === 'active');
    expect(restored.site.status).toBe('active');
    expect(restored.subscription.providerSubscriptionId).not.toBe(failing);
    expect(await page('plumber-joe')).toBe(200);
    // The failing provider subscription is stopped so it cannot charge on top of the new one.
    await eventually(() => providerSubscription(failing), (sub) => sub.status === 'cancelled');
    expect((await providerSubscription(healthy)).status).toBe('active');
    await recordHistory(dunningRun, 'subscription-past-due-suspended-restored', { closed: true });
  });
});

describe('cancel and reactivate', () => {
  it('cancels at period end (site stays online), takes it back, then cancels now (site gone) and starts again with a checkout', async () => {
    const { siteId, token } = await ownerWithSite();
    const providerId = await activateSubscription(stack, token, siteId);
    const { subscription: active } = await billingRows(stack, siteId);
    const cancellingRun = await activatedRun(siteId);

    const scheduled = await subscriptionCall(stack, token, 'POST', '/cancel', {});
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json()).toMatchObject({ status: 'active', cancel_at_period_end: true, next_billing_date: null, current_period_end: active.currentPeriodEnd!.toISOString() });
    await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.cancelAtPeriodEnd && rows.site.nextBillingDate === null);
    expect(await page('plumber-joe')).toBe(200);
    expect((await providerSubscription(providerId)).status).toBe('active');

    const undone = await subscriptionCall(stack, token, 'POST', '/reactivate', {});
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ status: 'active', cancel_at_period_end: false, checkout_url: null, next_billing_date: active.currentPeriodEnd!.toISOString() });

    const now = await subscriptionCall(stack, token, 'POST', '/cancel', { at_period_end: false });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json()).toMatchObject({ status: 'cancelled', cancel_at_period_end: false });
    const { site, subscription } = await billingRows(stack, siteId);
    expect(site.status).toBe('cancelled');
    expect(subscription.cancelledAt).toBeInstanceOf(Date);
    expect(await page('plumber-joe')).toBe(410);
    expect((await providerSubscription(providerId)).status).toBe('cancelled');
    await eventually(() => sentEmails(siteId), (templates) => templates.length === 4);
    // Cancelled now, the owner is told the site is offline, not that it stays online until the period end.
    expect(await sentEmails(siteId)).toEqual(['subscription_activated', 'subscription_cancelled', 'subscription_activated', 'subscription_ended']);

    const twice = await subscriptionCall(stack, token, 'POST', '/cancel', {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: 'subscription_already_cancelled' });

    const restart = await subscriptionCall(stack, token, 'POST', '/reactivate', {});
    expect(restart.statusCode, restart.body).toBe(200);
    expect(restart.json()).toMatchObject({ status: 'cancelled' });
    await pressCheckoutButton(restart.json<{ checkout_url: string }>().checkout_url, 'pay');
    const back = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'active');
    expect(back.site.status).toBe('active');
    expect(await page('plumber-joe')).toBe(200);
    await recordHistory(cancellingRun, 'subscription-cancel-undo-cancel-restart', { closed: true });
  });

  it('answers 409 to a change the workflow refuses (its update validators), recording and changing nothing', async () => {
    const { siteId, token } = await ownerWithSite();
    const updatesIn = async (run = stack.api.temporal.workflow.getHandle(workflowIds.subscription(siteId))) => ((await run.fetchHistory()).events ?? [])
      .map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
      .filter((name) => name === 'cancelSubscription' || name === 'undoCancellation');

    // The workflow runs, waiting for its first payment: there is nothing to cancel or to take back yet.
    const opened = await subscriptionCall(stack, token, 'POST', '/activate', {});
    expect(opened.statusCode, opened.body).toBe(200);
    const notActive = await subscriptionCall(stack, token, 'POST', '/cancel', {});
    expect(notActive.statusCode, notActive.body).toBe(409);
    expect(notActive.json()).toMatchObject({ error: 'subscription_not_active' });
    const notStarted = await subscriptionCall(stack, token, 'POST', '/reactivate', {});
    expect(notStarted.statusCode, notStarted.body).toBe(409);
    expect(notStarted.json()).toMatchObject({ error: 'subscription_not_started' });
    expect(await updatesIn()).toEqual([]);

    // Active and not being cancelled: nothing to take back. The activation payment continues the run as new.
    await activateSubscription(stack, token, siteId);
    const activeRun = await activatedRun(siteId);
    const notCancelling = await subscriptionCall(stack, token, 'POST', '/reactivate', {});
    expect(notCancelling.statusCode, notCancelling.body).toBe(409);
    expect(notCancelling.json()).toMatchObject({ error: 'subscription_already_active' });

    expect(await updatesIn(activeRun)).toEqual([]);
    const { subscription } = await billingRows(stack, siteId);
    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, cancelledAt: null });
    await eventually(() => sentEmails(siteId), (templates) => templates.length === 1);
    expect(await sentEmails(siteId)).toEqual(['subscription_activated']);

    // An accepted change is recorded as an update and answered with the applied state.
    const cancelled = await subscriptionCall(stack, token, 'POST', '/cancel', { at_period_end: true });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'active', cancel_at_period_end: true });
    expect(await updatesIn(activeRun)).toEqual(['cancelSubscription']);
  });
});

describe('status without Temporal', () => {
  it('answers from the row the workflow wrote, with the failure reason, while Temporal is unreachable', async () => {
    const { siteId, token } = await ownerWithSite();
    const providerId = await activateSubscription(stack, token, siteId);
    await stack.recurrente.renewSubscription(providerId, 'failed');
    const { subscription } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'past_due');

    // A second API on the same database whose Temporal address has nothing listening.
    const offline = await createTestApi({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    try {
      const status = await offline.app.inject({ method: 'GET', url: `/api/v1/subscriptions/status?site_id=${siteId}`, headers: { authorization: `Bearer ${token}` } });
      expect(status.statusCode, status.body).toBe(200);
      expect(status.json()).toMatchObject({
        site_id: siteId,
        status: 'past_due',
        current_period_end: subscription.currentPeriodEnd!.toISOString(),
        grace_ends_at: subscription.graceEndsAt!.toISOString(),
        next_billing_date: null,
        cancel_at_period_end: false,
      });
      expect(status.json<{ last_payment_failure: string | null }>().last_payment_failure).toMatch(/banco/);
    } finally {
      await offline.close();
    }
  });
});

describe('site selection, ownership and bad input', () => {
  it('asks which site when the owner has several, refuses other people\'s sites, and rejects bad input without changing anything', async () => {
    const joe = await buySite(stack, 'plumber-joe', 'ana@example.com');
    const bobSite = await buySite(stack, 'roofer-bob', 'ana@example.com');
    const strangers = await buySite(stack, 'la-plumbing-pros', 'bob@example.com');
    const token = await accessTokenFor(stack, 'ana@example.com');

    for (const [method, path] of [['POST', '/activate'], ['GET', '/status'], ['POST', '/cancel'], ['POST', '/reactivate']] as const) {
      const res = await subscriptionCall(stack, token, method, path, method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(400);
      const body = res.json<{ error: string; sites: { site_id: string; slug: string; site_title: string; is_primary: boolean }[] }>();
      expect(body.error).toBe('site_selection_required');
      expect(body.sites).toEqual([
        { site_id: joe, slug: 'plumber-joe', site_title: expect.any(String) as string, is_primary: true },
        { site_id: bobSite, slug: 'roofer-bob', site_title: expect.any(String) as string, is_primary: false },
      ]);
    }

    const foreign = await subscriptionCall(stack, token, 'POST', '/activate', { site_id: strangers });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: 'site_not_owned' });
    expect((await subscriptionCall(stack, token, 'GET', `/status?site_id=${strangers}`)).statusCode).toBe(403);
    expect((await subscriptionCall(stack, token, 'POST', '/cancel', { site_id: strangers })).statusCode).toBe(403);

    const bad: [string, 'GET' | 'POST', string, object | undefined][] = [
      ['malformed site id', 'POST', '/activate', { site_id: 'plumber-joe' }],
      ['unknown field', 'POST', '/activate', { site_id: joe, plan: 'gold' }],
      ['at_period_end not a boolean', 'POST', '/cancel', { site_id: joe, at_period_end: 'yes' }],
      ['malformed query', 'GET', '/status?site_id=42', undefined],
      ['unknown query field', 'GET', `/status?site_id=${joe}&verbose=1`, undefined],
    ];
    for (const [what, method, path, body] of bad) {
      const res = await subscriptionCall(stack, token, method, path, body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json(), what).toMatchObject({ error: 'validation_failed' });
    }

    expect((await subscriptionCall(stack, null, 'POST', '/activate', {})).statusCode).toBe(401);
    expect((await subscriptionCall(stack, 'not-a-token', 'GET', '/status')).statusCode).toBe(401);

    const notActive = await subscriptionCall(stack, token, 'POST', '/cancel', { site_id: joe });
    expect(notActive.statusCode).toBe(409);
    expect(notActive.json()).toMatchObject({ error: 'subscription_not_active' });
    const notStarted = await subscriptionCall(stack, token, 'POST', '/reactivate', { site_id: joe });
    expect(notStarted.statusCode).toBe(409);
    expect(notStarted.json()).toMatchObject({ error: 'subscription_not_started' });

    const mine = new Set([joe, bobSite, strangers]);
    expect(stack.recurrente.checkouts().filter((c) => c.metadata.purpose === 'subscription' && mine.has(c.metadata.site_id ?? ''))).toHaveLength(0);
    const em = stack.api.orm.em.fork();
    expect((await em.find(Subscription, {})).map((s) => s.status)).toEqual(['pending_activation', 'pending_activation', 'pending_activation']);
  });

  it('answers 404 to a customer without sites and 403 to a collaborator managing billing', async () => {
    const siteId = await buySite(stack, 'plumber-joe', 'ana@example.com');
    await buySite(stack, 'roofer-bob', 'carla@example.com');
    const em = stack.api.orm.em.fork();
    const carla = await em.findOneOrFail(CustomerSiteOwnership, { customer: { email: 'carla@example.com' } }, { populate: ['customer'] });
    em.create(CustomerSiteOwnership, { customer: carla.customer, site: siteId, role: 'collaborator', isPrimary: false, acquiredAt: new Date() });
    await em.flush();
    const token = await accessTokenFor(stack, 'carla@example.com');
    const res = await subscriptionCall(stack, token, 'POST', '/cancel', { site_id: siteId });
    expect(res.statusCode).toBe(403);

    await em.nativeDelete(CustomerSiteOwnership, { customer: carla.customer.id });
    const none = await subscriptionCall(stack, token, 'GET', '/status');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'no_site' });
  });
});

describe('admin statistics', () => {
  const admin = (path: string, token: string | null = stack.api.config.auth.adminApiToken) =>
    stack.api.app.inject({ method: 'GET', url: `/api/v1/admin${path}`, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses anyone without the admin token, customers included', async () => {
    const { token } = await ownerWithSite();
    for (const path of ['/purchase-statistics', '/subscription-statistics']) {
      expect((await admin(path, null)).statusCode).toBe(401);
      expect((await admin(path, 'wrong-admin-token')).statusCode).toBe(401);
      expect((await admin(path, token)).statusCode).toBe(401);
    }
  });

  it('counts purchases, revenue, MRR and subscriptions by status', async () => {
    const ana = await ownerWithSite('plumber-joe', 'ana@example.com');
    const bob = await ownerWithSite('roofer-bob', 'bob@example.com');
    const anas = await activateSubscription(stack, ana.token, ana.siteId);
    const bobs = await activateSubscription(stack, bob.token, bob.siteId);
    await stack.recurrente.renewSubscription(anas, 'succeeded');
    await stack.recurrente.renewSubscription(bobs, 'failed');
    await eventually(() => stack.api.orm.em.fork().count(Payment, { kind: 'subscription' }), (n) => n === 4);
    await eventually(() => billingRows(stack, bob.siteId), (rows) => rows.subscription.status === 'suspended');
    expect((await subscriptionCall(stack, ana.token, 'POST', '/cancel', {})).statusCode).toBe(200);

    const purchases = await admin('/purchase-statistics');
    expect(purchases.statusCode, purchases.body).toBe(200);
    expect(purchases.json()).toEqual({
      from: null,
      to: null,
      purchases: { count: 2, refunded: 0 },
      subscription_payments: { count: 3, refunded: 0, failed: 1 },
      revenue: [{ currency: 'USD', purchases: 990, subscriptions: 285, refunds: 0, net: 1275 }],
      sites: { preview: 1, owned: 0, active: 1, suspended: 1, cancelled: 0 },
    });
    const future = await admin(`/purchase-statistics?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.json()).toMatchObject({ purchases: { count: 0 }, subscription_payments: { count: 0, failed: 0 }, revenue: [] });
    expect((await admin('/purchase-statistics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).statusCode).toBe(400);
    expect((await admin('/purchase-statistics?from=yesterday')).statusCode).toBe(400);

    // The workflow takes the cancellation at once; the row the statistics read is written by its next activity.
    const subscriptions = await eventually(() => admin('/subscription-statistics'), (res) => res.json<{ cancelling: number }>().cancelling === 1);
    expect(subscriptions.statusCode, subscriptions.body).toBe(200);
    expect(subscriptions.json()).toEqual({
      total: 2,
      by_status: { pending_activation: 0, active: 1, past_due: 0, suspended: 1, cancelled: 0 },
      past_due: 0,
      suspended: 1,
      cancelling: 1,
      mrr: [{ currency: 'USD', amount: 95, subscriptions: 1 }],
    });
  });
});
