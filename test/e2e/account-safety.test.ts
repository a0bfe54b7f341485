import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Business, CustomerUser, EmailMessage, PurchaseHold, RefreshToken, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { EncryptionCodec } from '../../lib/temporal/codec.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { claimResult, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { callApi } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const SQUATTER_PASSWORD = 'Squatter-password-1';
const OWNER_PASSWORD = 'Real-owner-password-2';

beforeAll(async () => {
  stack = await startTestStack({ PURCHASE_MAX_OPEN_PER_EMAIL: '1', PURCHASE_MAX_OPEN_PER_IP: '3' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(() => stack.stop());

const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => callApi<T>(stack, method, path, { body, headers });

async function newestMail(to: string, tag: string): Promise<string> {
  let body = '';
  await expect.poll(() => {
    body = stack.postmark.sent().filter((m) => m.To === to && m.Tag === tag).at(-1)?.TextBody ?? '';
    return body;
  }, { timeout: 20_000 }).toContain('token=');
  return body;
}

async function buy(slug: string, email: string, name: string): Promise<void> {
  const claim = await call<{ checkout_url: string }>('POST', `/api/v1/sites/${slug}/purchase`, { email, name });
  expect(claim.status).toBe(200);
  const paid = await fetch(`${claim.json.checkout_url}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}`, redirect: 'manual' });
  expect(paid.status).toBe(303);
}

/** Every payload stored in a history (inputs, results, signals, updates, search attributes). */
function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) for (const item of value) payloadsOf(item, found);
  else if (value !== null && typeof value === 'object') {
    if ('metadata' in value && 'data' in value) found.push(value as Payload);
    else for (const item of Object.values(value)) payloadsOf(item, found);
  }
  return found;
}

/** The stored bytes of every payload of a history as text, as anyone reading the history store would see them. */
function payloadTexts(history: unknown): string[] {
  return payloadsOf(history).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
}

describe('account pre-hijacking', () => {
  it('a purchase on an address someone else registered revokes their password and sessions; the buyer sets their own', async () => {
    // The squatter registers the future owner's address and gets a session in somehow (a row written as login would).
    const registered = await call('POST', '/api/v1/customer/register', { email: 'victim@example.com', password: SQUATTER_PASSWORD, full_name: 'Squatter' });
    expect(registered.status).toBe(202);
    const verifyMail = await newestMail('victim@example.com', 'verify_email');
    const verifyToken = /token=([A-Za-z0-9_-]+)/.exec(verifyMail)![1]!;
    const em = stack.api.orm.em.fork();
    const squatter = await em.findOneOrFail(CustomerUser, { email: 'victim@example.com' });
    em.create(RefreshToken, { customer: squatter.id, tokenHash: 'squatter-session', familyId: crypto.randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) });
    await em.flush();

    // The real owner of the inbox clicks the confirmation link: without the squatter's password it confirms nothing.
    const confirm = await call('POST', '/api/v1/customer/verify-email', { token: verifyToken, password: OWNER_PASSWORD });
    expect(confirm.status).toBe(400);
    expect(confirm.json).toMatchObject({ error: 'wrong_password' });

    // The real owner buys a site with that address.
    await buy('plumber-joe', 'victim@example.com', 'Real Owner');
    expect(await claimResult(stack, await siteIdOf(stack, 'plumber-joe'))).toMatchObject({ status: 'completed' });

    const after = await stack.api.orm.em.fork().findOneOrFail(CustomerUser, { email: 'victim@example.com' });
    expect(after.passwordHash).toBeNull();
    expect(await stack.api.orm.em.fork().count(RefreshToken, { customer: after.id, revokedAt: null })).toBe(0);
    // The squatter's password and the old confirmation link open nothing.
    expect((await call('POST', '/api/v1/customer/login', { email: 'victim@example.com', password: SQUATTER_PASSWORD })).status).toBe(401);
    expect((await call('POST', '/api/v1/customer/verify-email', { token: verifyToken, password: SQUATTER_PASSWORD })).json).toMatchObject({ error: 'invalid_token' });

    // The buyer's welcome email sets their own password.
    const welcome = await newestMail('victim@example.com', 'welcome_set_password');
    const setToken = /token=([A-Za-z0-9_-]+)/.exec(welcome)![1]!;
    expect((await call('POST', '/api/v1/customer/set-password', { token: setToken, password: OWNER_PASSWORD })).status).toBe(200);
    expect((await call('POST', '/api/v1/customer/login', { email: 'victim@example.com', password: OWNER_PASSWORD })).status).toBe(200);
    expect((await call('POST', '/api/v1/customer/login', { email: 'victim@example.com', password: SQUATTER_PASSWORD })).status).toBe(401);

    // Neither the claim's history, read without the codec, nor the email log holds the link token or the address.
    const raw = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }), namespace: stack.config.temporal.namespace });
    try {
      const history = await raw.workflow.getHandle(workflowIds.claim(await siteIdOf(stack, 'plumber-joe'))).fetchHistory();
      const stored = payloadTexts(history);
      expect(stored.length).toBeGreaterThan(10);
      for (const text of stored) {
        expect(text).not.toContain(setToken);
        expect(text).not.toContain('victim@example.com');
        expect(text).not.toContain('Real Owner');
      }
      // The same history through the codec does carry the claimant, so the check above can see one.
      const decoded = await new EncryptionCodec(stack.config.temporal.codecKeys).decode(payloadsOf(history));
      expect(decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n')).toContain('victim@example.com');
    } finally {
      await raw.connection.close();
    }
    const logs = await stack.api.orm.em.fork().find(EmailMessage, { toAddress: 'victim@example.com' });
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) expect(JSON.stringify(log.model)).not.toMatch(/token=(?!\[redacted\])/);
  });
});

describe('purchase holds', () => {
  it('limits how many sites one email address holds open at once', async () => {
    expect((await call('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'hoarder@example.com', name: 'Hoarder' })).status).toBe(200);
    // Asking again for the same site is fine (same checkout)…
    expect((await call('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'hoarder@example.com', name: 'Hoarder' })).status).toBe(200);
    // …but a second site is refused while the first checkout is open.
    const second = await call('POST', '/api/v1/sites/la-plumbing-pros/purchase', { email: 'hoarder@example.com', name: 'Hoarder' });
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ error: 'too_many_open_purchases' });
  });

  it('holds a checkout for the configured time, 2 hours by default', async () => {
    const claim = await call<{ expires_at: string }>('POST', '/api/v1/sites/la-plumbing-pros/purchase', { email: 'quick@example.com', name: 'Quick' });
    expect(claim.status).toBe(200);
    const hold = Date.parse(claim.json.expires_at) - Date.now();
    expect(hold).toBeLessThanOrEqual(2 * 3_600_000);
    expect(hold).toBeGreaterThan(2 * 3_600_000 - 60_000);
  });

  it('releases the hold of a bought site when its claim ends, so the buyer may hold another site', async () => {
    const em = stack.api.orm.em.fork();
    for (const slug of ['holds-first', 'holds-second']) {
      const business = em.create(Business, { name: `Holds ${slug}`, category: 'plumber', city: 'Guatemala' });
      em.create(Site, { slug, business, title: `Holds ${slug}`, purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
    }
    await em.flush();
    await buy('holds-first', 'collector@example.com', 'Collector');
    expect(await claimResult(stack, await siteIdOf(stack, 'holds-first'))).toMatchObject({ status: 'completed' });
    expect((await stack.api.orm.em.fork().findOneOrFail(PurchaseHold, { email: 'collector@example.com' })).releasedAt).toBeInstanceOf(Date);
    expect((await call('POST', '/api/v1/sites/holds-second/purchase', { email: 'collector@example.com', name: 'Collector' })).status).toBe(200);
  });
});
