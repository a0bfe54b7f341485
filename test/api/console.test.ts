import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerUser, Operator, Site, SupportTicket, TicketAction } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';
import { workflowIds } from '../../lib/workflow-ids.js';

let stack: TestStack;
const OPERATOR = { email: 'ops@webmagic.test', name: 'Olivia Ops', password: 'Operator-pass-2026', role: 'agent' as const };

beforeAll(async () => {
  stack = await startTestStack({ AI_CONFIDENCE_THRESHOLD: '1' });
});
afterAll(async () => {
  await stopSubscriptionWorkflows(stack);
  await stack.stop();
});
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
});

type Headers = Record<string, string>;
const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Headers = {}, payload?: object) =>
  stack.api.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

/** Signs the operator in; returns the cookie header and the CSRF token. */
async function signIn(password = OPERATOR.password) {
  const res = await inject('POST', '/api/v1/admin/session', {}, { email: 'OPS@webmagic.test', password });
  expect(res.statusCode, res.body).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/^wm_operator=[A-Za-z0-9_-]{43};/);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/Secure/);
  expect(setCookie).toMatch(/SameSite=Lax/);
  return { cookie: setCookie.split(';')[0]!, csrf: res.json<{ csrf_token: string }>().csrf_token, body: res.json<Record<string, unknown>>() };
}

async function openTicket(): Promise<string> {
  const { token } = await signedInOwner(stack.api, 'owner@example.com', ['plumber-joe']);
  const res = await inject('POST', '/api/v1/tickets', { authorization: `Bearer ${token}` }, { subject: 'Booking form', description: 'The booking form does not send' });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, id)).status, (s) => s === 'awaiting_agent');
  return id;
}

describe('operator sign-in for the agent console', () => {
  it('signs a named operator in with a cookie session, refuses wrong passwords alike, and rate-limits attempts', async () => {
    const { body } = await signIn();
    expect(body).toMatchObject({ operator: { email: 'ops@webmagic.test', name: 'Olivia Ops', role: 'agent' }, temporal_ui_url: 'http://127.0.0.1:8233/namespaces/default' });
    expect((await stack.api.orm.em.fork().findOneOrFail(Operator, { email: 'ops@webmagic.test' })).lastLoginAt).toBeInstanceOf(Date);

    const wrong = await inject('POST', '/api/v1/admin/session', {}, { email: 'ops@webmagic.test', password: 'not-it' });
    const unknown = await inject('POST', '/api/v1/admin/session', {}, { email: 'nobody@webmagic.test', password: 'not-it' });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json()).toEqual(unknown.json());
    expect((await inject('POST', '/api/v1/admin/session', {}, { email: 'ops@webmagic.test' })).statusCode).toBe(400);
    // LOGIN_MAX_PER_EMAIL (10) attempts per address; after them even the right password is refused.
    await seedOperator(stack.api.orm.em.fork(), { ...OPERATOR, email: 'limited@webmagic.test' });
    for (let attempt = 0; attempt < 10; attempt++) await inject('POST', '/api/v1/admin/session', {}, { email: 'limited@webmagic.test', password: 'guess' });
    const limited = await inject('POST', '/api/v1/admin/session', {}, { email: 'limited@webmagic.test', password: OPERATOR.password });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('lets the session read admin routes, requires its CSRF token to change anything, and ends on sign-out', async () => {
    const ticketId = await openTicket();
    const { cookie, csrf } = await signIn();
    expect((await inject('GET', '/api/v1/admin/tickets', { cookie })).statusCode).toBe(200);
    // Platform figures are for the admin role; this operator is an agent (the admin API token may read them).
    const figures = await inject('GET', '/api/v1/admin/subscription-statistics', { cookie });
    expect(figures.statusCode).toBe(403);
    expect(figures.json()).toMatchObject({ error: 'admin_role_required' });
    expect((await inject('GET', '/api/v1/admin/subscription-statistics', { authorization: `Bearer ${stack.api.config.auth.adminApiToken}` })).statusCode).toBe(200);

    const noCsrf = await inject('POST', `/api/v1/admin/tickets/${ticketId}/assign`, { cookie }, { agent: 'Olivia Ops' });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: 'csrf_token_invalid' });
    expect((await inject('POST', `/api/v1/admin/tickets/${ticketId}/assign`, { cookie, 'x-csrf-token': `${csrf}x` }, { agent: 'Olivia Ops' })).statusCode).toBe(403);
    expect(await stack.api.orm.em.fork().count(TicketAction)).toBe(0);

    expect((await inject('DELETE', '/api/v1/admin/session', { cookie, 'x-csrf-token': csrf })).statusCode).toBe(204);
    expect((await inject('GET', '/api/v1/admin/tickets', { cookie })).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/admin/tickets', { cookie: 'wm_operator=forged' })).statusCode).toBe(401);
    // A customer's access token is not an admin credential.
    const customer = await accessTokenFor(stack, 'owner@example.com');
    expect((await inject('GET', '/api/v1/admin/tickets', { authorization: `Bearer ${customer}` })).statusCode).toBe(401);
  });

  it('records who replied, assigned and resolved on the ticket: the operator, or the admin token for scripts', async () => {
    const ticketId = await openTicket();
    const { cookie, csrf } = await signIn();
    const session = { cookie, 'x-csrf-token': csrf };
    expect((await inject('POST', `/api/v1/admin/tickets/${ticketId}/assign`, session, { agent: 'Olivia Ops' })).statusCode).toBe(200);
    expect((await inject('POST', `/api/v1/admin/tickets/${ticketId}/reply`, session, { body: 'Fixed it.' })).statusCode).toBe(202);
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, ticketId)).status, (s) => s === 'awaiting_customer');
    const machine = { authorization: `Bearer ${stack.api.config.auth.adminApiToken}` };
    expect((await inject('POST', `/api/v1/admin/tickets/${ticketId}/resolve`, machine)).statusCode).toBe(202);

    const ticket = await inject('GET', `/api/v1/admin/tickets/${ticketId}`, { cookie });
    expect(ticket.statusCode).toBe(200);
    const body = ticket.json<{ actions: { action: string; actor: string; detail: string | null }[]; ai_draft: string | null; ai_confidence: number | null }>();
    expect(body.actions.map((a) => [a.actor, a.action, a.detail])).toEqual([['Olivia Ops', 'assign', 'Olivia Ops'], ['Olivia Ops', 'reply', null], ['admin API token', 'resolve', null]]);
    expect(body.ai_draft).toEqual(expect.any(String));
    expect(body.ai_confidence).toEqual(expect.any(Number));
    // The owner is emailed the agent's answer, with a link to the thread in the portal.
    const answer = await eventually(async () => stack.postmark.sent().find((m) => m.Tag === 'ticket_answered'), (m) => m !== undefined);
    expect(answer!.TextBody).toContain(`http://webmagic.test/account/support/${ticketId}`);
    // Owners never see the agents' trail or the draft.
    const owner = await accessTokenFor(stack, 'owner@example.com');
    const mine = (await inject('GET', `/api/v1/tickets/${ticketId}`, { authorization: `Bearer ${owner}` })).json<Record<string, unknown>>();
    expect(mine).not.toHaveProperty('actions');
    expect(mine).not.toHaveProperty('ai_draft');
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.ticket(ticketId)), 'ticket-agent-answered-emailed-resolved', { closed: true });
  });
});

describe('portal session cookie, payment history and claim status', () => {
  it('keeps the refresh token in an HttpOnly cookie when the portal asks, and only with its header', async () => {
    await signedInOwner(stack.api, 'owner@example.com', ['plumber-joe']);
    const portal = { 'x-webmagic-session': 'cookie' };
    const login = await inject('POST', '/api/v1/customer/login', portal, { email: 'owner@example.com', password: 'Owner-password-2026' });
    expect(login.statusCode).toBe(200);
    expect(login.json()).not.toHaveProperty('refresh_token');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^wm_refresh=[A-Za-z0-9_-]{43};.*Path=\/api\/v1\/customer/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    // Without the portal's header (what a cross-site form could send), the cookie is not used.
    expect((await inject('POST', '/api/v1/customer/refresh', { cookie }, {})).statusCode).toBe(401);
    expect((await inject('POST', '/api/v1/customer/refresh', portal, {})).statusCode).toBe(401);
    const refreshed = await inject('POST', '/api/v1/customer/refresh', { cookie, ...portal }, {});
    expect(refreshed.statusCode).toBe(200);
    const rotated = String(refreshed.headers['set-cookie']).split(';')[0]!;
    expect(rotated).not.toBe(cookie);
    expect((await inject('POST', '/api/v1/customer/logout', { cookie: rotated, ...portal }, {})).statusCode).toBe(204);
    expect((await inject('POST', '/api/v1/customer/refresh', { cookie: rotated, ...portal }, {})).statusCode).toBe(401);
  });

  it('lists an owner\'s payments for their site only', async () => {
    const siteId = await buySite(stack, 'plumber-joe', 'buyer@example.com');
    const otherId = await buySite(stack, 'roofer-bob', 'someone@example.com');
    const token = await accessTokenFor(stack, 'buyer@example.com');
    const auth = { authorization: `Bearer ${token}` };
    const res = await inject('GET', `/api/v1/customer/sites/${siteId}/payments`, auth);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ slug: 'plumber-joe', payments: [{ kind: 'purchase', status: 'succeeded', amount: 495, currency: 'USD', receipt_number: expect.any(String) as string }] });
    expect((await inject('GET', `/api/v1/customer/sites/${otherId}/payments`, auth)).statusCode).toBe(403);
    expect((await inject('GET', '/api/v1/customer/sites/not-a-uuid/payments', auth)).statusCode).toBe(400);
    expect((await inject('GET', `/api/v1/customer/sites/${siteId}/payments`)).statusCode).toBe(401);
  });

  it('answers where a claim stands by its workflow id, without saying who bought', async () => {
    const siteId = await buySite(stack, 'plumber-joe', 'buyer@example.com');
    const res = await inject('GET', `/api/v1/claims/status?workflow_id=${encodeURIComponent(`claim:${siteId}`)}`);
    expect(res.statusCode, res.body).toBe(200);
    const site = await stack.api.orm.em.fork().findOneOrFail(Site, siteId);
    const deadline = new Date(site.purchasedAt!.getTime() + stack.api.config.subscription.activationDeadlineMs).toISOString();
    expect(res.json()).toEqual({
      workflow_id: `claim:${siteId}`, status: 'completed', ready: true, slug: 'plumber-joe', site_title: "Plumber Joe's", site_url: 'http://webmagic.test/sites/plumber-joe',
      next_step: 'set_password', activation_deadline: deadline,
    });
    expect(res.body).not.toContain('buyer@example.com');
    // An owner with a password (a returning one) is asked to sign in, not to look for a set-password email.
    await stack.api.orm.em.fork().nativeUpdate(CustomerUser, { email: 'buyer@example.com' }, { passwordHash: '$argon2id$set-by-the-owner' });
    expect((await inject('GET', `/api/v1/claims/status?workflow_id=${encodeURIComponent(`claim:${siteId}`)}`)).json()).toMatchObject({ next_step: 'sign_in' });
    const unclaimed = (await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' })).id;
    expect((await inject('GET', `/api/v1/claims/status?workflow_id=claim:${unclaimed}`)).statusCode).toBe(404);
    expect((await inject('GET', '/api/v1/claims/status?workflow_id=subscription:x')).statusCode).toBe(400);
    expect((await inject('GET', '/api/v1/claims/status')).statusCode).toBe(400);
  });
});
