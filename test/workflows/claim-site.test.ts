import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, EmailMessage, Payment, PurchaseHold, Site, Subscription, WebhookEvent } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { customerEmailKey } from '../../lib/search-key.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import type { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import { claimResult, openCheckout, pressCheckoutButton, purchase, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { recordHistory } from '../helpers/record-history.js';

let stack: TestStack;
const ana = { email: 'Ana@Example.com', name: 'Ana Owner' };
const bob = { email: 'bob@example.com', name: 'Bob Rival' };

beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_EXPIRY: '4s' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
  stack.recurrente.setDeliveryMode({});
});

const openHolds = (siteId: string) => stack.api.orm.em.fork().count(PurchaseHold, { siteId, releasedAt: null });

describe('claim → pay → own', () => {
  it('makes the payer the owner of the site, with one payment, a pending subscription and both emails', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const checkoutUrl = await openCheckout(stack, 'plumber-joe', ana);
    const page = await (await fetch(checkoutUrl)).text();
    expect(page).toContain('Website: Plumber Joe');
    expect(await pressCheckoutButton(checkoutUrl, 'pay')).toBe(303);

    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    const em = stack.api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
    expect(site.status).toBe('owned');
    expect(site.subscriptionStatus).toBe('pending_activation');
    expect(site.purchasedAt).toBeInstanceOf(Date);

    const customer = await em.findOneOrFail(CustomerUser, { email: 'ana@example.com' }, { populate: ['primarySite'] });
    expect(customer.passwordHash).toBeNull();
    expect(customer.primarySite?.id).toBe(siteId);
    const ownership = await em.findOneOrFail(CustomerSiteOwnership, { customer, site: siteId });
    expect(ownership).toMatchObject({ role: 'owner', isPrimary: true });

    const payment = await em.findOneOrFail(Payment, { site: siteId });
    expect(payment).toMatchObject({ kind: 'purchase', amountCents: 49500, currency: 'USD', status: 'succeeded' });
    expect(payment.customer?.id).toBe(customer.id);
    expect(await em.findOneOrFail(Subscription, { site: siteId })).toMatchObject({ status: 'pending_activation', amountCents: 9500 });

    const emails = await em.find(EmailMessage, {}, { orderBy: { template: 'asc' } });
    expect(emails.map((e) => [e.template, e.toAddress, e.status])).toEqual([
      ['purchase_confirmation', 'ana@example.com', 'sent'],
      ['welcome_set_password', 'ana@example.com', 'sent'],
    ]);
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  });

  it('gives the same claimant the same checkout and refuses a second claimant with 409 while it is open', async () => {
    const first = await openCheckout(stack, 'roofer-bob', ana);
    expect(await openCheckout(stack, 'roofer-bob', { ...ana, email: 'ana@example.com' })).toBe(first);

    const rival = await purchase(stack, 'roofer-bob', bob);
    expect(rival.statusCode).toBe(409);
    expect(rival.json()).toMatchObject({ error: 'site_being_claimed' });
    expect(stack.recurrente.checkouts().filter((c) => c.metadata.slug === 'roofer-bob')).toHaveLength(1);
  });

  it('lets an operator find the claim by site slug, customer email and status (Temporal search attributes)', async () => {
    const siteId = await siteIdOf(stack, 'roofer-bob');
    await openCheckout(stack, 'roofer-bob', ana);
    const find = async (query: string) => {
      const ids: string[] = [];
      for await (const wf of stack.api.temporal.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    };
    await expect.poll(() => find(`SiteSlug = "roofer-bob" AND CustomerEmail = "${customerEmailKey('ana@example.com')}" AND BusinessStatus = "awaiting_payment"`)).toContain(workflowIds.claim(siteId));
  });

  it('answers 409 site_not_available once the site is owned', async () => {
    const siteId = await siteIdOf(stack, 'roofer-bob');
    await pressCheckoutButton(await openCheckout(stack, 'roofer-bob', ana), 'pay');
    await claimResult(stack, siteId);

    for (const claimant of [bob, ana]) {
      const res = await purchase(stack, 'roofer-bob', claimant);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: 'site_not_available' });
    }
  });

  it('releases the site at once when the card is declined; paying on the same checkout afterwards still buys it', async () => {
    const siteId = await siteIdOf(stack, 'la-plumbing-pros');
    const checkoutUrl = await openCheckout(stack, 'la-plumbing-pros', ana);
    const declinedRun = (await stack.api.temporal.workflow.getHandle(workflowIds.claim(siteId)).describe()).runId;
    await pressCheckoutButton(checkoutUrl, 'decline');
    await stack.recurrente.flush();
    const declined = stack.api.temporal.workflow.getHandle<typeof claimSiteWorkflow>(workflowIds.claim(siteId), declinedRun);
    expect(await declined.result()).toMatchObject({ status: 'cancelled', refunds: 0 });
    expect(await openHolds(siteId)).toBe(0);
    await recordHistory(declined, 'claim-declined-released');

    // The provider's page offers "Try again" on the same checkout: a payment there starts a new run, which grants it.
    await pressCheckoutButton(checkoutUrl, 'pay');
    await expect.poll(async () => (await stack.api.orm.em.fork().findOneOrFail(Site, siteId)).status, { timeout: 20_000 }).toBe('owned');
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await stack.api.orm.em.fork().count(Payment)).toBe(1);
  });

  it('releases the site at once when the claimant cancels on the checkout page, so someone else can claim it', async () => {
    const siteId = await siteIdOf(stack, 'roofer-bob');
    const checkoutUrl = await openCheckout(stack, 'roofer-bob', ana);
    const cancelled = await fetch(`${checkoutUrl}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(cancelled.status).toBe(303);
    const cancelUrl = new URL(cancelled.headers.get('location')!);
    expect(cancelUrl.pathname).toBe('/account/claim-cancelled');
    expect(cancelUrl.searchParams.get('claim')).toBe(workflowIds.claim(siteId));
    const cancel = (token: string) => stack.api.app.inject({ method: 'POST', url: '/api/v1/claims/cancel', payload: { workflow_id: workflowIds.claim(siteId), token } });

    // A wrong token (someone who only knows the site) cancels nothing.
    const forged = await cancel('not-the-token');
    expect(forged.statusCode).toBe(409);
    expect(forged.json()).toMatchObject({ error: 'claim_not_cancellable', message: 'This cancel link is not valid.' });
    expect((await purchase(stack, 'roofer-bob', bob)).statusCode).toBe(409);

    const handle = stack.api.temporal.workflow.getHandle<typeof claimSiteWorkflow>(workflowIds.claim(siteId));
    const answer = await cancel(cancelUrl.searchParams.get('token')!);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'cancelled', slug: 'roofer-bob', site_title: 'Roofer Bob' });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    expect(await openHolds(siteId)).toBe(0);
    await recordHistory(handle, 'claim-cancelled');
    // The same link again (a reload) says the same; the site is free for the next claimant at once.
    expect((await cancel(cancelUrl.searchParams.get('token')!)).statusCode).toBe(200);
    expect((await purchase(stack, 'roofer-bob', bob)).statusCode).toBe(200);
  });

  it('releases the site when the checkout expires, so someone else can claim it', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    await openCheckout(stack, 'plumber-joe', ana);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'expired' });
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.claim(siteId)), 'claim-expired');
    expect((await stack.api.orm.em.fork().findOneOrFail(Site, siteId)).status).toBe('preview');

    const bobsCheckout = await openCheckout(stack, 'plumber-joe', bob);
    await pressCheckoutButton(bobsCheckout, 'pay');
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    const owner = await stack.api.orm.em.fork().findOneOrFail(CustomerSiteOwnership, { site: siteId }, { populate: ['customer'] });
    expect(owner.customer.email).toBe('bob@example.com');
  });

  it('processes a webhook delivered five times exactly once', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    stack.recurrente.setDeliveryMode({ duplicate: 5 });
    await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', ana), 'pay');
    await claimResult(stack, siteId);
    await stack.recurrente.flush();

    const succeeded = stack.recurrente.deliveries().filter((d) => d.eventType === 'payment_intent.succeeded' && d.status === 200);
    expect(succeeded.length).toBeGreaterThanOrEqual(5);
    expect(await stack.api.orm.em.fork().count(WebhookEvent, { type: 'payment_intent.succeeded' })).toBe(1);
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  });

  it('copes with deliveries out of order (the decline arriving after the payment)', async () => {
    const siteId = await siteIdOf(stack, 'roofer-bob');
    stack.recurrente.setDeliveryMode({ reorder: true });
    const checkoutUrl = await openCheckout(stack, 'roofer-bob', ana);
    await pressCheckoutButton(checkoutUrl, 'decline');
    await pressCheckoutButton(checkoutUrl, 'pay');
    await stack.recurrente.flush();
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  });

  it('lets exactly one of two racing claimants through', async () => {
    const siteId = await siteIdOf(stack, 'la-plumbing-pros');
    const [a, b] = await Promise.all([purchase(stack, 'la-plumbing-pros', ana), purchase(stack, 'la-plumbing-pros', bob)]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? a : b;
    await pressCheckoutButton(winner.json<{ checkout_url: string }>().checkout_url, 'pay');
    await claimResult(stack, siteId);
    expect(await stack.api.orm.em.fork().count(CustomerSiteOwnership, { site: siteId })).toBe(1);
  });

  it('adds a second, non-primary site when the same email buys again, without a second welcome link once a password is set', async () => {
    const joe = await siteIdOf(stack, 'plumber-joe');
    const bobSite = await siteIdOf(stack, 'roofer-bob');
    await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', ana), 'pay');
    await claimResult(stack, joe);
    await stack.api.orm.em.fork().nativeUpdate(CustomerUser, { email: 'ana@example.com' }, { passwordHash: '$argon2id$set-by-the-owner', emailVerifiedAt: new Date() });

    await pressCheckoutButton(await openCheckout(stack, 'roofer-bob', ana), 'pay');
    await claimResult(stack, bobSite);

    const em = stack.api.orm.em.fork();
    const owned = await em.find(CustomerSiteOwnership, {}, { populate: ['site'], orderBy: { acquiredAt: 'asc' } });
    expect(owned.map((o) => [o.site.slug, o.isPrimary])).toEqual([['plumber-joe', true], ['roofer-bob', false]]);
    expect(await em.count(CustomerUser)).toBe(1);
    expect(await em.count(EmailMessage, { template: 'welcome_set_password' })).toBe(1);
    expect(await em.count(EmailMessage, { template: 'purchase_confirmation' })).toBe(2);
    // The receipts say what comes next: the new owner sets a password first, the returning one signs in; both activate in time.
    const receipts = await em.find(EmailMessage, { template: 'purchase_confirmation' }, { orderBy: { createdAt: 'asc' } });
    expect(receipts.map((r) => (r.model as { account?: string }).account)).toEqual(['new', 'existing']);
    expect((receipts[1]!.model as { activateBy?: string }).activateBy).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('answers 503 when the provider refuses to open a checkout, and holds nothing', async () => {
    const siteId = await siteIdOf(stack, 'la-plumbing-pros');
    const good = stack.config.recurrente;
    stack.config.recurrente = { ...good, secretKey: 'sk_revoked' };
    await stack.restartWorker();
    try {
      const res = await purchase(stack, 'la-plumbing-pros', ana);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'checkout_unavailable' });
      expect(await claimResult(stack, siteId)).toMatchObject({ status: 'expired' });
    } finally {
      stack.config.recurrente = good;
      await stack.restartWorker();
    }
    expect((await purchase(stack, 'la-plumbing-pros', bob)).statusCode).toBe(200);
  });

  it('refunds a late payment for a site that someone else bought in the meantime', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    // Deliveries are held (as when our endpoint was down and the provider retries later), then sent newest first.
    stack.recurrente.setDeliveryMode({ reorder: true });
    expect(await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', ana), 'pay')).toBe(303);
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'expired' });
    expect(await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', bob), 'pay')).toBe(303);
    await stack.recurrente.flush();

    const em = stack.api.orm.em.fork();
    await expect.poll(async () => (await em.fork().find(Payment, {}, { orderBy: { createdAt: 'asc' } })).map((p) => p.status), { timeout: 15_000 }).toEqual(['succeeded', 'refunded']);
    const owners = await em.find(CustomerSiteOwnership, { site: siteId }, { populate: ['customer'] });
    expect(owners.map((o) => o.customer.email)).toEqual(['bob@example.com']);
    expect(await em.count(EmailMessage, { toAddress: 'ana@example.com' })).toBe(0);
  });
});
