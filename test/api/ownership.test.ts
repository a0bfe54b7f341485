import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntry, CustomerSiteOwnership, CustomerUser, EmailMessage, Site, Subscription } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { subscriptionStatusQuery } from '../../workflows/subscription/contract.js';
import { emailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { pressCheckoutButton } from '../helpers/claims.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, billingRows, buySite, stopSubscriptionWorkflows, subscriptionCall } from '../helpers/subscriptions.js';

let stack: TestStack;
const AGENT = { email: 'agent@webmagic.test', name: 'Avery Agent', password: 'Agent-password-2026', role: 'agent' as const };
const ADMIN = { email: 'admin@webmagic.test', name: 'Ada Admin', password: 'Admin-password-2026', role: 'admin' as const };
type Headers = Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
afterEach(async () => {
  const sites = await stack.api.orm.em.fork().find(Site, {}, { fields: ['id'] });
  await Promise.all(sites.map(async ({ id }) => stack.api.temporal.workflow.getHandle(workflowIds.siteTransfer(id)).terminate('test finished').catch((error: unknown) => {
    if (!(error instanceof WorkflowNotFoundError) && !String(error).includes('already completed')) throw error;
  })));
  await stopSubscriptionWorkflows(stack);
});
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), AGENT);
  await seedOperator(stack.api.orm.em.fork(), ADMIN);
  stack.postmark.reset();
});

async function signIn(operator: { email: string; password: string }): Promise<Headers> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/session', payload: { email: operator.email, password: operator.password } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': res.json<{ csrf_token: string }>().csrf_token };
}

const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: object) =>
  stack.api.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function customer(email: string, password: string | null = null) {
  const em = stack.api.orm.em.fork();
  const row = em.create(CustomerUser, { email, fullName: email.split('@')[0]!, passwordHash: password ? await hashPassword(password) : null, emailVerifiedAt: new Date() });
  await em.flush();
  return row.id;
}

const siteBySlug = async (slug: string) => stack.api.orm.em.fork().findOneOrFail(Site, { slug });
const roles = async (siteId: string) => (await stack.api.orm.em.fork().find(CustomerSiteOwnership, { site: siteId }, { populate: ['customer'] }))
  .map((o) => ({ email: o.customer.email, role: o.role, primary: o.isPrimary }));
const audit = async (siteId: string) => (await stack.api.orm.em.fork().find(AuditEntry, { siteId }, { orderBy: { createdAt: 'asc' } }))
  .map((a) => ({ action: a.action, actor: a.actorName, reason: a.reason }));
const sent = async (to: string) => (await stack.api.orm.em.fork().find(EmailMessage, { toAddress: to }, { orderBy: { createdAt: 'asc' } })).map((m) => m.template);

/** The newest email of a template to an address, as the fake Postmark received it, with its links. */
async function mail(to: string, template: string): Promise<string[]> {
  const found = await eventually(async () => stack.postmark.sent().filter((m) => m.Tag === template && String(m.To).includes(to)).at(-1), (m) => m !== undefined, 20_000);
  return emailLinks(found!.HtmlBody ?? '');
}

/** The provider's own view of a subscription, read through the simulated Recurrente API. */
async function providerSubscription(id: string): Promise<{ status: string }> {
  const { publicKey, secretKey } = stack.config.recurrente;
  const res = await fetch(`${stack.recurrente.apiUrl}/subscriptions/${id}`, { headers: { 'x-public-key': publicKey, 'x-secret-key': secretKey } });
  return (await res.json()) as { status: string };
}

describe('ownership operations: who may', () => {
  it('only admins change ownership; a reason is required; only the owner transfers from the portal', async () => {
    const agent = await signIn(AGENT);
    const admin = await signIn(ADMIN);
    const joe = await siteBySlug('plumber-joe');
    await customer('dana@example.com');
    for (const [url, body] of [
      ['/admin/ownership/link', { site: 'plumber-joe', customer: 'dana@example.com', reason: 'paid by bank transfer' }],
      ['/admin/ownership/remove', { site_id: joe.id, reason: 'asked by phone' }],
      ['/admin/ownership/transfer', { site_id: joe.id, recipient_email: 'x@example.com', reason: 'asked by phone' }],
      ['/admin/ownership/transfer/cancel', { site_id: joe.id, reason: 'asked by phone' }],
    ] as const) {
      const res = await call('POST', url, agent, body);
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: 'admin_role_required' });
    }
    for (const reason of [undefined, '', '   ']) {
      const res = await call('POST', '/admin/ownership/link', admin, { site: 'plumber-joe', customer: 'dana@example.com', ...(reason === undefined ? {} : { reason }) });
      expect(res.statusCode, String(reason)).toBe(400);
    }
    expect((await call('POST', '/admin/ownership/link', admin, { site: 'nope', customer: 'dana@example.com', reason: 'r' })).statusCode).toBe(404);
    expect(await roles(joe.id)).toEqual([]);
    expect(await audit(joe.id)).toEqual([]);

    const siteId = await buySite(stack, 'roofer-bob', 'owner@example.com');
    const ownerToken = await accessTokenFor(stack, 'owner@example.com');
    const helperId = await customer('helper@example.com', 'Helper-password-2026');
    const em = stack.api.orm.em.fork();
    em.create(CustomerSiteOwnership, { customer: helperId, site: siteId, role: 'collaborator', acquiredAt: new Date() });
    await em.flush();
    const login = await call('POST', '/customer/login', {}, { email: 'helper@example.com', password: 'Helper-password-2026' });
    const helperToken = login.json<{ access_token: string }>().access_token;
    for (const [method, url] of [['GET', `/customer/sites/${siteId}/transfer`], ['POST', `/customer/sites/${siteId}/transfer`], ['POST', `/customer/sites/${siteId}/transfer/cancel`]] as const) {
      const res = await call(method, url, bearer(helperToken), method === 'POST' && !url.endsWith('cancel') ? { recipient_email: 'x@example.com' } : undefined);
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: 'owner_only' });
    }
    expect((await call('POST', `/customer/sites/${siteId}/transfer`, bearer(ownerToken), { recipient_email: 'OWNER@example.com' })).json()).toMatchObject({ error: 'transfer_to_owner' });
    expect((await call('GET', `/customer/sites/${siteId}/transfer`, bearer(ownerToken))).json()).toEqual({ transfer: null });
  });
});

describe('link and remove', () => {
  it('links a preview to a customer as a purchase would, then removes it: subscription cancelled, primary re-elected, audited, emailed', async () => {
    const admin = await signIn(ADMIN);
    const older = await buySite(stack, 'roofer-bob', 'dana@example.com');
    const token = await accessTokenFor(stack, 'dana@example.com');
    const joe = await siteBySlug('plumber-joe');

    const linked = await call('POST', '/admin/ownership/link', admin, { site: 'plumber-joe', customer: 'DANA@example.com', reason: 'Paid by bank transfer, receipt 881' });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json()).toMatchObject({ site_id: joe.id, is_primary: false });
    expect(await roles(joe.id)).toEqual([{ email: 'dana@example.com', role: 'owner', primary: false }]);
    const { site, subscription } = await billingRows(stack, joe.id);
    expect({ status: site.status, sub: site.subscriptionStatus, purchased: site.purchasedAt !== null }).toEqual({ status: 'owned', sub: 'pending_activation', purchased: true });
    expect(subscription.status).toBe('pending_activation');
    const view = await eventually(() => stack.api.temporal.workflow.getHandle(workflowIds.subscription(joe.id)).query(subscriptionStatusQuery), (v) => v.status === 'pending_activation');
    expect(view.siteId).toBe(joe.id);
    expect((await call('POST', '/admin/ownership/link', admin, { site: joe.id, customer: 'dana@example.com', reason: 'again' })).json()).toMatchObject({ error: 'site_has_owner' });
    await eventually(() => sent('dana@example.com'), (t) => t.includes('site_linked'));

    // The linked site is billed like a bought one: activating it works for its new owner.
    await activateSubscription(stack, token, joe.id);
    const providerId = (await billingRows(stack, joe.id)).subscription.providerSubscriptionId!;

    const removed = await call('POST', '/admin/ownership/remove', admin, { site_id: joe.id, reason: 'Customer closed the business' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ primary_site_id: older });
    expect(await roles(joe.id)).toEqual([]);
    const after = await billingRows(stack, joe.id);
    expect({ status: after.site.status, sub: after.subscription.status, ended: after.subscription.providerSubscriptionEnded }).toEqual({ status: 'cancelled', sub: 'cancelled', ended: true });
    expect((await providerSubscription(providerId)).status).toBe('cancelled');
    expect((await subscriptionCall(stack, token, 'GET', `/status?site_id=${joe.id}`)).statusCode).toBe(403);
    await eventually(() => sent('dana@example.com'), (t) => t.includes('site_removed'));
    expect(await audit(joe.id)).toEqual([
      { action: 'site.linked', actor: ADMIN.name, reason: 'Paid by bank transfer, receipt 881' },
      { action: 'site.removed', actor: ADMIN.name, reason: 'Customer closed the business' },
    ]);

    // Removing the primary site re-elects the oldest remaining one.
    await call('POST', '/admin/ownership/link', admin, { site: 'plumber-joe', customer: 'dana@example.com', reason: 'Back again' });
    const third = await buySite(stack, 'la-plumbing-pros', 'dana@example.com');
    expect((await call('POST', '/admin/ownership/remove', admin, { site_id: older, reason: 'Sold the roofing business' })).json()).toMatchObject({ primary_site_id: joe.id });
    const dana = await stack.api.orm.em.fork().findOneOrFail(CustomerUser, { email: 'dana@example.com' });
    expect(dana.primarySite?.id).toBe(joe.id);
    expect(await roles(third)).toEqual([{ email: 'dana@example.com', role: 'owner', primary: false }]);
  });
});

describe('transfer', () => {
  it('owner asks in the portal, the recipient accepts from the email: site moves, stays online, the new owner pays from the old period end', async () => {
    const siteId = await buySite(stack, 'plumber-joe', 'old@example.com');
    const oldToken = await accessTokenFor(stack, 'old@example.com');
    const oldProvider = await activateSubscription(stack, oldToken, siteId);
    const paidUntil = (await billingRows(stack, siteId)).subscription.currentPeriodEnd!;

    const started = await call('POST', `/customer/sites/${siteId}/transfer`, bearer(oldToken), { recipient_email: 'New@Example.com' });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toMatchObject({ status: 'pending', recipient_email: 'new@example.com' });
    expect((await call('POST', `/customer/sites/${siteId}/transfer`, bearer(oldToken), { recipient_email: 'other@example.com' })).json()).toMatchObject({ error: 'transfer_pending' });
    expect((await call('GET', `/customer/sites/${siteId}/transfer`, bearer(oldToken))).json()).toMatchObject({ transfer: { recipient_email: 'new@example.com' } });

    const link = new URL((await mail('new@example.com', 'site_transfer_invitation')).find((l) => l.includes('/account/transfer'))!);
    const token = link.searchParams.get('token')!;
    expect(link.searchParams.get('site')).toBe(siteId);
    const invitation = await call('GET', `/customer/transfers/invitation?site_id=${siteId}&token=${token}`, {});
    expect(invitation.json()).toMatchObject({ site_title: "Plumber Joe's", recipient_email: 'new@example.com', has_password: false });
    expect((await call('POST', '/customer/transfers/accept', {}, { site_id: siteId, token, password: 'short' })).statusCode).toBe(400);
    expect(await roles(siteId)).toEqual([{ email: 'old@example.com', role: 'owner', primary: true }]);

    const accepted = await call('POST', '/customer/transfers/accept', {}, { site_id: siteId, token, password: 'New-owner-password-2026' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const newToken = accepted.json<{ access_token: string }>().access_token;
    expect(await roles(siteId)).toEqual([{ email: 'new@example.com', role: 'owner', primary: true }]);
    expect((await call('POST', '/customer/transfers/accept', {}, { site_id: siteId, token, password: 'New-owner-password-2026' })).statusCode).toBe(400);

    // The old owner's provider subscription is stopped; the paid period keeps the site online.
    const handedOver = await eventually(() => billingRows(stack, siteId), (r) => r.subscription.providerSubscriptionEnded && r.subscription.customer.id !== undefined);
    expect((await providerSubscription(oldProvider)).status).toBe('cancelled');
    expect({ site: handedOver.site.status, sub: handedOver.subscription.status, end: handedOver.subscription.currentPeriodEnd?.toISOString() })
      .toEqual({ site: 'active', sub: 'active', end: paidUntil.toISOString() });
    const sub = await stack.api.orm.em.fork().findOneOrFail(Subscription, { site: siteId }, { populate: ['customer'] });
    expect(sub.customer.email).toBe('new@example.com');
    await eventually(() => sent('old@example.com'), (t) => t.includes('site_transfer_accepted'));
    await eventually(() => sent('new@example.com'), (t) => t.includes('site_transfer_welcome'));

    // The new owner activates in their name; their first period starts where the old owner's ends.
    const res = await subscriptionCall(stack, newToken, 'POST', '/activate', { site_id: siteId });
    expect(res.statusCode, res.body).toBe(200);
    expect(await pressCheckoutButton(res.json<{ checkout_url: string }>().checkout_url, 'pay')).toBe(303);
    const renewed = await eventually(() => billingRows(stack, siteId), (r) => r.subscription.providerSubscriptionId !== oldProvider && !r.subscription.providerSubscriptionEnded);
    expect(renewed.subscription.currentPeriodStart?.toISOString()).toBe(paidUntil.toISOString());
    expect((await audit(siteId)).map((a) => a.action)).toEqual(['site.transfer_requested', 'site.transfer_accepted']);
  });

  it('an operator starts a transfer on request and cancels it: the link stops working, audited with the reasons', async () => {
    const admin = await signIn(ADMIN);
    const siteId = await buySite(stack, 'plumber-joe', 'old@example.com');
    await customer('new@example.com', 'Recipient-password-2026');
    const started = await call('POST', '/admin/ownership/transfer', admin, { site_id: siteId, recipient_email: 'new@example.com', reason: 'Owner asked by phone, ticket 12' });
    expect(started.statusCode, started.body).toBe(201);
    const link = new URL((await mail('new@example.com', 'site_transfer_invitation')).find((l) => l.includes('/account/transfer'))!);
    expect((await call('GET', `/admin/ownership/transfer?site_id=${siteId}`, admin)).json()).toMatchObject({ transfer: { recipient_email: 'new@example.com', requested_by: ADMIN.name } });
    const cancelled = await call('POST', '/admin/ownership/transfer/cancel', admin, { site_id: siteId, reason: 'Owner changed their mind' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await call('POST', '/admin/ownership/transfer/cancel', admin, { site_id: siteId, reason: 'again' })).json()).toMatchObject({ error: 'no_pending_transfer' });
    const accept = await call('POST', '/customer/transfers/accept', {}, { site_id: siteId, token: link.searchParams.get('token')!, password: 'Recipient-password-2026' });
    expect(accept.statusCode).toBe(400);
    expect(await roles(siteId)).toEqual([{ email: 'old@example.com', role: 'owner', primary: true }]);
    expect(await audit(siteId)).toEqual([
      { action: 'site.transfer_requested', actor: ADMIN.name, reason: 'Owner asked by phone, ticket 12' },
      { action: 'site.transfer_cancelled', actor: ADMIN.name, reason: 'Owner changed their mind' },
    ]);
  });
});
