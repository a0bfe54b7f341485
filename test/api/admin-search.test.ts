import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerRecordDto, SearchAnswerDto, SiteRecordDto } from '../../api/schemas/back-office.js';
import {
  Booking, CustomerSiteOwnership, CustomerUser, DomainVerificationRecord, EditRequest, EmailMessage, Payment, RefreshToken, Site, Subscription, SupportTicket,
} from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;
const AGENT = { email: 'agent@webmagic.test', name: 'Avery Agent', password: 'Agent-password-2026', role: 'agent' as const };
const ADMIN = { email: 'admin@webmagic.test', name: 'Ada Admin', password: 'Admin-password-2026', role: 'admin' as const };

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  await seedOperator(api.orm.em.fork(), AGENT);
  await seedOperator(api.orm.em.fork(), ADMIN);
});

type Headers = Record<string, string>;
const inject = (method: 'GET' | 'POST', url: string, headers: Headers = {}) => api.app.inject({ method, url, headers });

async function signIn(operator: { email: string; password: string }): Promise<Headers> {
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/admin/session', payload: { email: operator.email, password: operator.password } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': res.json<{ csrf_token: string }>().csrf_token };
}

/** Dana owns plumber-joe (served on a custom domain) and roofer-bob (verifying one); Sam collaborates on plumber-joe. */
async function seedCustomer() {
  const dana = await signedInOwner(api, 'dana@example.com', ['plumber-joe', 'roofer-bob']);
  const em = api.orm.em.fork();
  const customer = await em.findOneOrFail(CustomerUser, dana.customerId);
  customer.fullName = 'Dana Whitfield';
  const joe = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const bob = await em.findOneOrFail(Site, { slug: 'roofer-bob' });
  joe.customDomain = 'www.joe-plumbing.test';
  const sam = em.create(CustomerUser, { email: 'sam@example.com', fullName: 'Sam Helper' });
  em.create(CustomerSiteOwnership, { customer: sam, site: joe, role: 'collaborator', acquiredAt: new Date() });
  em.create(Payment, {
    provider: 'recurrente', providerCheckoutId: 'ch_search123', providerPaymentId: 'pa_search456', providerSubscriptionId: 'su_search789',
    site: joe, customer, kind: 'purchase', amountCents: 49_500, currency: 'USD', status: 'succeeded', paidAt: new Date(),
  });
  em.create(Subscription, { site: joe, customer, providerSubscriptionId: 'su_search789', status: 'active', amountCents: 9_500, currency: 'USD' });
  const ticket = em.create(SupportTicket, { site: joe, customer, subject: 'Booking form is broken', description: 'It does not send' });
  em.create(EditRequest, { site: joe, ticket, requestText: 'Change the phone number', requestedBy: customer });
  em.create(EmailMessage, { idempotencyKey: 'welcome:dana', toAddress: 'dana@example.com', template: 'welcome', model: {}, status: 'sent', sentAt: new Date() });
  em.create(DomainVerificationRecord, { site: bob, domain: 'www.bob-roofing.test', token: 'wm-verify-1', expiresAt: new Date(Date.now() + 86_400_000) });
  em.create(Booking, { site: joe, kind: 'booking', name: 'Visitor Vic' });
  await em.flush();
  return { ...dana, joe: joe.id, bob: bob.id, ticket: ticket.id, sam: sam.id };
}

async function search(q: string, headers: Headers): Promise<SearchAnswerDto> {
  const res = await inject('GET', `/api/v1/admin/search?q=${encodeURIComponent(q)}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<SearchAnswerDto>();
}

describe('GET /api/v1/admin/search', () => {
  it('finds customers by email or name, sites by slug, business, custom or verifying domain, payments by provider id, tickets by id', async () => {
    const seeded = await seedCustomer();
    const agent = await signIn(AGENT);
    expect((await search('DANA@Example', agent)).customers.map((c) => c.email)).toEqual(['dana@example.com']);
    expect((await search('  whitfield ', agent)).customers).toEqual([{ id: seeded.customerId, email: 'dana@example.com', full_name: 'Dana Whitfield', sites: 2 }]);
    expect((await search('roofer-b', agent)).sites.map((s) => s.slug)).toEqual(['roofer-bob']);
    expect((await search("plumber joe's", agent)).sites.map((s) => s.id)).toEqual([seeded.joe]);
    expect((await search('joe-plumbing.test', agent)).sites).toMatchObject([{ slug: 'plumber-joe', custom_domain: 'www.joe-plumbing.test' }]);
    expect((await search('bob-roofing', agent)).sites).toMatchObject([{ slug: 'roofer-bob', matched_domain: 'www.bob-roofing.test' }]);
    for (const id of ['ch_search123', 'pa_search4', 'su_search789']) {
      expect((await search(id, agent)).payments, id).toMatchObject([{ provider_payment_id: 'pa_search456', site_slug: 'plumber-joe', customer_email: 'dana@example.com', amount_cents: 49_500 }]);
    }
    expect((await search(seeded.ticket, agent)).tickets).toMatchObject([{ id: seeded.ticket, subject: 'Booking form is broken', customer_id: seeded.customerId }]);
    expect((await search(seeded.ticket.slice(0, 8), agent)).tickets.map((t) => t.id)).toEqual([seeded.ticket]);
    expect((await search(seeded.joe, agent)).sites.map((s) => s.slug)).toEqual(['plumber-joe']);
    // Wildcards are taken literally, and a search that matches nothing answers empty groups.
    expect(await search('%_', agent)).toEqual({ query: '%_', customers: [], sites: [], payments: [], tickets: [] });
  });

  it('answers 400 with a sentence when the search is shorter than two characters', async () => {
    const agent = await signIn(AGENT);
    for (const q of ['a', '  b  ', '']) {
      const res = await inject('GET', `/api/v1/admin/search?q=${encodeURIComponent(q)}`, agent);
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toEqual({ error: 'query_too_short', code: 'query_too_short', message: 'Type at least 2 characters to search.' });
    }
    expect((await inject('GET', '/api/v1/admin/search', agent)).statusCode).toBe(400);
  });

  it('is for operators only: refuses a customer token and the unauthenticated', async () => {
    const { token } = await seedCustomer();
    expect((await inject('GET', '/api/v1/admin/search?q=dana')).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/admin/search?q=dana', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/admin/customers/00000000-0000-4000-8000-000000000000', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/admin/search?q=dana', { authorization: `Bearer ${api.config.auth.adminApiToken}` })).statusCode).toBe(200);
  });
});

describe('GET /api/v1/admin/customers/:id and /sites/:id', () => {
  it('shows a customer with sessions, sites and roles, subscriptions, payments, tickets, edit requests and emails', async () => {
    const seeded = await seedCustomer();
    const agent = await signIn(AGENT);
    const res = await inject('GET', `/api/v1/admin/customers/${seeded.customerId}`, agent);
    expect(res.statusCode, res.body).toBe(200);
    const record = res.json<CustomerRecordDto>();
    expect(record).toMatchObject({ email: 'dana@example.com', full_name: 'Dana Whitfield', is_active: true });
    expect(record.email_verified_at).not.toBeNull();
    expect(record.sessions).toHaveLength(1);
    expect(record.sites.map((s) => [s.slug, s.role, s.is_primary, s.subscription?.status ?? null]).sort()).toEqual([['plumber-joe', 'owner', true, 'active'], ['roofer-bob', 'owner', false, null]]);
    expect(record.payments).toMatchObject([{ provider_checkout_id: 'ch_search123', status: 'succeeded' }]);
    expect(record.tickets).toMatchObject([{ id: seeded.ticket, site_slug: 'plumber-joe' }]);
    expect(record.edit_requests).toMatchObject([{ request_text: 'Change the phone number', site_slug: 'plumber-joe' }]);
    expect(record.emails).toMatchObject([{ template: 'welcome', status: 'sent' }]);

    const sam = (await inject('GET', `/api/v1/admin/customers/${seeded.sam}`, agent)).json<CustomerRecordDto>();
    expect(sam.sites.map((s) => s.role)).toEqual(['collaborator']);
    const missing = await inject('GET', '/api/v1/admin/customers/00000000-0000-4000-8000-000000000000', agent);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: 'There is no customer with this id.' });
  });

  it('shows a site with its people, domain checks, subscription, payments, bookings, analytics and workflow ids', async () => {
    const seeded = await seedCustomer();
    const agent = await signIn(AGENT);
    const joe = (await inject('GET', `/api/v1/admin/sites/${seeded.joe}`, agent)).json<SiteRecordDto>();
    expect(joe).toMatchObject({ slug: 'plumber-joe', custom_domain: 'www.joe-plumbing.test', business: { name: "Plumber Joe's" }, subscription: { status: 'active' } });
    expect(joe.people.map((p) => [p.email, p.role])).toEqual([['dana@example.com', 'owner'], ['sam@example.com', 'collaborator']]);
    expect(joe.payments.map((p) => p.provider_payment_id)).toEqual(['pa_search456']);
    expect(joe.bookings).toMatchObject({ total: 1, recent: [{ name: 'Visitor Vic', status: 'new' }] });
    expect(joe.analytics).toMatchObject({ days: 30, visitors: 0 });
    expect(joe.versions.length).toBeGreaterThan(0);
    expect(joe.workflows).toEqual([
      { kind: 'claim', workflow_id: `claim:${seeded.joe}` },
      { kind: 'subscription', workflow_id: `subscription:${seeded.joe}` },
      { kind: 'domain', workflow_id: `domain:${seeded.joe}` },
      { kind: 'transfer', workflow_id: `transfer:${seeded.joe}` },
    ]);
    const bob = (await inject('GET', `/api/v1/admin/sites/${seeded.bob}`, agent)).json<SiteRecordDto>();
    expect(bob.domain_checks).toMatchObject([{ domain: 'www.bob-roofing.test', status: 'pending' }]);
    expect(bob.subscription).toBeNull();
    expect((await inject('GET', '/api/v1/admin/sites/00000000-0000-4000-8000-000000000000', agent)).statusCode).toBe(404);
  });
});

describe('POST /api/v1/admin/customers/:id/sessions/:sessionId/revoke', () => {
  it('is an admin action that ends the whole refresh-token family, so the customer’s access token stops working', async () => {
    const seeded = await seedCustomer();
    const me = () => inject('GET', '/api/v1/customer/me', { authorization: `Bearer ${seeded.token}` });
    expect((await me()).statusCode).toBe(200);
    const [session] = (await inject('GET', `/api/v1/admin/customers/${seeded.customerId}`, await signIn(ADMIN))).json<CustomerRecordDto>().sessions;
    if (!session) throw new Error('the owner has no live session');
    const url = `/api/v1/admin/customers/${seeded.customerId}/sessions/${session.id}/revoke`;

    const byAgent = await inject('POST', url, await signIn(AGENT));
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.json()).toMatchObject({ error: 'admin_role_required' });
    const admin = await signIn(ADMIN);
    expect((await inject('POST', url, { cookie: admin.cookie ?? '' })).statusCode).toBe(403);
    expect((await inject('POST', `/api/v1/admin/customers/${seeded.sam}/sessions/${session.id}/revoke`, admin)).statusCode).toBe(404);

    expect((await inject('POST', url, admin)).statusCode).toBe(204);
    expect(await api.orm.em.fork().count(RefreshToken, { familyId: session.id, revokedAt: null })).toBe(0);
    expect((await me()).statusCode).toBe(401);
    expect((await inject('GET', `/api/v1/admin/customers/${seeded.customerId}`, admin)).json<CustomerRecordDto>().sessions).toEqual([]);
  });
});

describe('operator notes', () => {
  it('any operator leaves a note on a customer or a site; the record pages show them newest first with the author', async () => {
    const seeded = await seedCustomer();
    const agent = await signIn(AGENT);
    const admin = await signIn(ADMIN);
    const post = (url: string, body: unknown, headers: Headers) => api.app.inject({ method: 'POST', url, headers, payload: body as object });
    const first = await post(`/api/v1/admin/customers/${seeded.customerId}/notes`, { body: 'Called about a refund.' }, agent);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ author_name: 'Avery Agent', body: 'Called about a refund.' });
    expect((await post(`/api/v1/admin/customers/${seeded.customerId}/notes`, { body: '  Refund agreed.  ' }, admin)).statusCode).toBe(201);
    expect((await post(`/api/v1/admin/sites/${seeded.joe}/notes`, { body: 'Owner prefers phone calls.' }, agent)).statusCode).toBe(201);

    const customer = (await inject('GET', `/api/v1/admin/customers/${seeded.customerId}`, agent)).json<CustomerRecordDto>();
    expect(customer.notes.map((n) => [n.author_name, n.body])).toEqual([['Ada Admin', 'Refund agreed.'], ['Avery Agent', 'Called about a refund.']]);
    const site = (await inject('GET', `/api/v1/admin/sites/${seeded.joe}`, agent)).json<SiteRecordDto>();
    expect(site.notes.map((n) => n.body)).toEqual(['Owner prefers phone calls.']);
    expect((await inject('GET', `/api/v1/admin/sites/${seeded.bob}`, agent)).json<SiteRecordDto>().notes).toEqual([]);
  });

  it('refuses an empty or blank note and an unknown customer, and stores nothing', async () => {
    const seeded = await seedCustomer();
    const agent = await signIn(AGENT);
    for (const body of [{ body: '' }, { body: '   ' }, {}, { body: 'x'.repeat(4001) }]) {
      const res = await api.app.inject({ method: 'POST', url: `/api/v1/admin/customers/${seeded.customerId}/notes`, headers: agent, payload: body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const unknown = await api.app.inject({ method: 'POST', url: '/api/v1/admin/sites/00000000-0000-4000-8000-000000000000/notes', headers: agent, payload: { body: 'Hello' } });
    expect(unknown.statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/admin/customers/${seeded.customerId}`, agent)).json<CustomerRecordDto>().notes).toEqual([]);
  });
});
