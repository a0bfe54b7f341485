import { randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AnalyticsEvent, Booking, CustomerSiteOwnership, CustomerUser, EmailMessage, ErasureRequest, Payment, PurchaseHold, Site, SupportTicket, TicketMessage,
  VisitorSession, WebhookEvent,
} from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const ADMIN = { authorization: 'Bearer dev-admin-token' };
const PASSWORD = 'Owner-password-2026';
const EMAIL = 'zelda.quintanilla@example.com';
const NAME = 'Zelda Quintanilla';

beforeAll(async () => {
  stack = await startTestStack({ ERASURE_UNDO_WINDOW: '2s' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});

function call(token: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
}

/** Every text, JSON and byte column of every table that holds `text` (case-insensitive), as `table.column`. */
async function columnsHolding(text: string): Promise<string[]> {
  const conn = stack.api.orm.em.getConnection();
  const columns = await conn.execute<{ table_name: string; column_name: string; data_type: string }[]>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'character')`);
  expect(columns.length).toBeGreaterThan(50);
  const holding: string[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const value = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`;
    const [row] = await conn.execute<{ n: string }[]>(`select count(*) as n from "${table}" where strpos(lower(${value}), lower(?)) > 0`, [text]);
    if (Number(row?.n) > 0) holding.push(`${table}.${column}`);
  }
  return holding;
}

/** Zelda owns Plumber Joe's: a payment, a ticket with a message, a booking she made elsewhere, a purchase hold, a stored webhook naming her. */
async function zelda() {
  const em = stack.api.orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const other = await em.findOneOrFail(Site, { slug: { $ne: 'plumber-joe' } });
  const customer = em.create(CustomerUser, { email: EMAIL, fullName: NAME, phone: '+502 5555 0199', passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() });
  em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  customer.primarySite = site;
  em.create(Payment, { provider: 'recurrente', providerPaymentId: `pa_${randomUUID()}`, providerCheckoutId: 'ch_zelda', site, customer, kind: 'purchase', amountCents: 49_500, currency: 'USD', status: 'succeeded', paidAt: new Date('2026-11-01T10:00:00Z') });
  const ticket = em.create(SupportTicket, { site, customer, subject: `Please call ${NAME}`, description: `Write to ${EMAIL}` });
  em.create(TicketMessage, { ticket, authorType: 'customer', body: `Thanks, ${NAME}` });
  em.create(Booking, { site: other, kind: 'contact', name: NAME, email: EMAIL, phone: '+502 5555 0199', message: 'Is Tuesday free?' });
  em.create(PurchaseHold, { siteId: other.id, email: EMAIL, clientKey: 'hold-key-of-203.0.113.0', expiresAt: new Date() });
  const delivery = JSON.stringify({ type: 'payment_intent.succeeded', customer: { email: EMAIL, full_name: NAME } });
  em.create(WebhookEvent, { provider: 'recurrente', providerEventId: `evt_${randomUUID()}`, type: 'payment_intent.succeeded', body: Buffer.from(delivery), payload: JSON.parse(delivery) as Record<string, unknown>, processedAt: new Date() });
  em.create(EmailMessage, { idempotencyKey: `k-${randomUUID()}`, toAddress: EMAIL, template: 'purchase_confirmation', model: { name: NAME }, status: 'sent' });
  await em.flush();
  const login = await call(null, 'POST', '/api/v1/customer/login', { email: EMAIL, password: PASSWORD });
  expect(login.statusCode, login.body).toBe(200);
  return { customerId: customer.id, siteId: site.id, token: login.json<{ access_token: string }>().access_token };
}

describe('data export', () => {
  it('is a zip of JSON files and a README with everything held about the owner', async () => {
    const { token, customerId } = await zelda();
    const res = await call(token, 'GET', '/api/v1/customer/privacy/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="webmagic-data-\d{4}-\d{2}-\d{2}\.zip"/);
    const files = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt', 'audit-log.json', 'bookings-you-made.json', 'edit-requests.json', 'emails.json', 'invitations.json', 'payments.json', 'profile.json',
      'sites.json', 'subscriptions.json', 'tickets.json',
    ]);
    const json = (name: string) => JSON.parse(strFromU8(files[name]!)) as unknown;
    expect(json('profile.json')).toMatchObject({ id: customerId, email: EMAIL, full_name: NAME });
    expect(JSON.stringify(json('profile.json'))).not.toContain('argon2');
    expect(json('sites.json')).toEqual([expect.objectContaining({ slug: 'plumber-joe', role: 'owner' })]);
    expect(json('payments.json')).toEqual([expect.objectContaining({ amount_cents: 49_500, kind: 'purchase' })]);
    expect(json('tickets.json')).toEqual([expect.objectContaining({ subject: `Please call ${NAME}`, messages: [expect.objectContaining({ body: `Thanks, ${NAME}` })] })]);
    expect(json('bookings-you-made.json')).toEqual([expect.objectContaining({ message: 'Is Tuesday free?' })]);
    expect(json('emails.json')).toEqual([expect.objectContaining({ template: 'purchase_confirmation' })]);
    expect(strFromU8(files['README.txt']!)).toContain('tickets.json');
    expect((await call(null, 'GET', '/api/v1/customer/privacy/export')).statusCode).toBe(401);
  });
});

describe('account deletion', () => {
  it('is pending with an undo, undone, asked again and completed: no table holds the email or name, payments kept', async () => {
    const { token, customerId } = await zelda();
    const asked = await call(token, 'POST', '/api/v1/customer/privacy/erasure');
    expect(asked.statusCode, asked.body).toBe(202);
    expect((await call(token, 'POST', '/api/v1/customer/privacy/erasure')).json()).toMatchObject({ error: 'erasure_pending' });
    expect((await call(token, 'GET', '/api/v1/customer/privacy/erasure')).json()).toMatchObject({ erasure: { status: 'pending' } });
    const undone = await call(token, 'DELETE', '/api/v1/customer/privacy/erasure');
    expect(undone.statusCode, undone.body).toBe(200);
    expect((await call(token, 'GET', '/api/v1/customer/privacy/erasure')).json()).toEqual({ erasure: null });
    expect((await call(token, 'DELETE', '/api/v1/customer/privacy/erasure')).statusCode).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await columnsHolding(EMAIL)).not.toEqual([]);

    const again = await call(token, 'POST', '/api/v1/customer/privacy/erasure');
    expect(again.statusCode, again.body).toBe(202);
    const id = again.json<{ erasure: { id: string } }>().erasure.id;
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(ErasureRequest, id)).status, (s) => s === 'completed', 60_000);
    expect(stack.postmark.sent().map((m) => m.Tag)).toEqual(['erasure_scheduled', 'erasure_scheduled', 'erasure_completed']);

    expect(await columnsHolding(EMAIL)).toEqual([]);
    expect(await columnsHolding(NAME)).toEqual([]);
    expect(await columnsHolding('+502 5555 0199')).toEqual([]);
    const payments = await stack.api.orm.em.fork().find(Payment, { customer: customerId });
    expect(payments).toEqual([expect.objectContaining({ amountCents: 49_500, providerCheckoutId: 'ch_zelda', paidAt: new Date('2026-11-01T10:00:00Z') })]);
    expect((await call(token, 'GET', '/api/v1/customer/privacy/erasure')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/customer/login', { email: EMAIL, password: PASSWORD })).statusCode).toBe(401);
  });
});

describe('visitor erasure', () => {
  it('erases a visitor’s bookings, analytics sessions and emails by their address, for admins only', async () => {
    const em = stack.api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
    const session = em.create(VisitorSession, { site, visitorId: 'v-luis', landingPath: '/' });
    em.create(AnalyticsEvent, { site, session, visitorId: 'v-luis', type: 'page_view', path: '/' });
    em.create(Booking, { site, session, kind: 'contact', name: 'Luis Pérez-Visitante', email: 'Luis.Visitor@example.com', phone: '+502 4444 1234', message: 'Call me' });
    em.create(EmailMessage, { idempotencyKey: `k-${randomUUID()}`, toAddress: 'luis.visitor@example.com', template: 'booking_confirmation', model: { name: 'Luis Pérez-Visitante' }, status: 'sent' });
    await em.flush();
    const owner = await signedInOwner(stack.api, 'owner@example.com', []);
    expect((await call(owner.token, 'POST', '/api/v1/admin/privacy/visitor-erasures', { email: 'luis.visitor@example.com', reason: 'asked by email' })).statusCode).toBe(401);
    expect((await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/privacy/visitor-erasures', headers: ADMIN, payload: { email: 'nope', reason: 'x' } })).statusCode).toBe(400);

    const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/privacy/visitor-erasures', headers: ADMIN, payload: { email: 'luis.visitor@example.com', reason: 'asked by email on Dec 6' } });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json<{ id: string }>();
    const done = await eventually(async () => (await stack.api.app.inject({ method: 'GET', url: `/api/v1/admin/privacy/visitor-erasures/${id}`, headers: ADMIN })).json<{ status: string; summary: Record<string, number> }>(), (e) => e.status === 'completed', 60_000);
    // Two emails: the booking confirmation, and the "erasure completed" notice sent just before the address went.
    expect(done.summary).toMatchObject({ bookings: 1, visitor_sessions: 1, email_messages: 2 });
    expect(await columnsHolding('luis.visitor@example.com')).toEqual([]);
    expect(await columnsHolding('Luis Pérez-Visitante')).toEqual([]);
    expect(await columnsHolding('+502 4444 1234')).toEqual([]);
    expect(await stack.api.orm.em.fork().count(AnalyticsEvent, { visitorId: 'v-luis' })).toBe(0);
    expect(await stack.api.orm.em.fork().count(Booking, { site: site.id })).toBe(1);
    expect(stack.postmark.sent().map((m) => m.Tag)).toEqual(['erasure_completed']);
  });
});
