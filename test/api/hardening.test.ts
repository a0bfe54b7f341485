import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signAccessToken } from '../../api/auth/access-tokens.js';
import { rotateSession, startSession } from '../../api/auth/sessions.js';
import { loggableUrl } from '../../api/request-log.js';
import { CustomerUser, PurchaseHold, RateLimitCounter, Site, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import * as passwords from '../../lib/auth/passwords.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

// Counts password hashes, to show that a bad link is refused before any hashing work.
vi.mock('../../lib/auth/passwords.js', async (original) => {
  const real = await original<typeof passwords>();
  return { ...real, hashPassword: vi.fn(real.hashPassword) };
});

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({
    TICKET_CREATE_MAX: '3', TICKET_CREATE_RATE_WINDOW: '1h', REFRESH_SESSION_MAX_AGE: '1h', HTTP_REQUEST_TIMEOUT: '1s', LOGIN_MAX_PER_IP: '3', CLAIM_STATUS_MAX_PER_MINUTE: '5',
  });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
});

const json = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  api.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const admin = () => ({ authorization: `Bearer ${api.config.auth.adminApiToken}` });

describe('text PostgreSQL cannot store is refused with 400 on every route', () => {
  it('refuses NUL characters and lone surrogates in bodies, queries and paths, and stores nothing', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const bearer = { authorization: `Bearer ${token}` };
    const requests: [string, () => ReturnType<typeof json>][] = [
      ['purchase name with NUL', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: 'Ana\u0000' })],
      ['purchase name with a lone surrogate', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: 'Ana \ud800' })],
      ['register name', () => json('POST', '/api/v1/customer/register', { email: 'n@example.com', password: 'Correct-Horse-7', full_name: 'N\u0000' })],
      ['profile name', () => json('PUT', '/api/v1/customer/profile', { full_name: 'Owner \udc00 x' }, bearer)],
      ['ticket subject', () => json('POST', '/api/v1/tickets', { subject: 'Help\u0000', description: 'Please' }, bearer)],
      ['ticket description', () => json('POST', '/api/v1/tickets', { subject: 'Help', description: 'Please \ud83d' }, bearer)],
      ['agent reply', () => json('POST', '/api/v1/admin/tickets/8b1f2f8e-8b8a-4c1e-9d4a-0d6a4e1b2c3d/reply', { body: 'Hi\u0000' }, admin())],
      ['query string', () => json('GET', '/api/v1/tickets?status=open%00', undefined, bearer)],
      ['path parameter', () => json('POST', '/api/v1/sites/plumber%00joe/purchase', { email: 'a@example.com', name: 'Ana' })],
      ['unknown field name', () => json('POST', '/api/v1/customer/login', { email: 'a@example.com', password: 'x', 'k\u0000': 1 })],
    ];
    const before = { customers: await api.orm.em.fork().count(CustomerUser), tickets: await api.orm.em.fork().count(SupportTicket), holds: await api.orm.em.fork().count(PurchaseHold) };
    for (const [what, send] of requests) {
      const res = await send();
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(res.json(), what).toMatchObject({ error: 'invalid_text' });
    }
    const owner = await api.orm.em.fork().findOneOrFail(CustomerUser, { email: 'owner@example.com' });
    expect(owner.fullName).toBe('Owner');
    expect({ customers: await api.orm.em.fork().count(CustomerUser), tickets: await api.orm.em.fork().count(SupportTicket), holds: await api.orm.em.fork().count(PurchaseHold) }).toEqual(before);
  });
});

describe('access tokens', () => {
  it('answers 401, not 500, to a correctly signed token whose sub or sid is not a UUID', async () => {
    const { customerId } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    for (const claims of [{ customerId: 'not-a-uuid', sessionId: crypto.randomUUID() }, { customerId, sessionId: "x' or 1=1" }]) {
      const token = await signAccessToken(api.config.auth, claims);
      for (const url of ['/api/v1/customer/me', '/api/v1/customer/my-sites', '/api/v1/tickets', '/api/v1/subscriptions/status']) {
        const res = await json('GET', url, undefined, { authorization: `Bearer ${token}` });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(401);
        expect(res.json()).toMatchObject({ error: 'invalid_access_token' });
      }
    }
  });
});

describe('sessions', () => {
  it('end at their absolute lifetime however often the refresh token is rotated', async () => {
    const em = api.orm.em.fork();
    const customer = em.create(CustomerUser, { email: 'long@example.com', fullName: 'Long', emailVerifiedAt: new Date() });
    await em.flush();
    const start = Date.now();
    const first = await startSession(em, api.config.auth, customer);
    const rotated = await rotateSession(api.orm.em.fork(), api.config.auth, first.refreshToken, new Date(start + 50 * 60_000));
    await expect(rotateSession(api.orm.em.fork(), api.config.auth, rotated.tokens.refreshToken, new Date(start + 61 * 60_000)))
      .rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('emailed links', () => {
  it('are checked before any password is hashed', async () => {
    const hash = vi.mocked(passwords.hashPassword);
    hash.mockClear();
    for (const url of ['/api/v1/customer/reset-password', '/api/v1/customer/set-password']) {
      const res = await json('POST', url, { token: 'no-such-link', password: 'A-strong-password-1' });
      expect(res.json()).toMatchObject({ error: 'invalid_token' });
    }
    expect(hash).not.toHaveBeenCalled();
  });

  it('never reach the request log: the token in the URL is redacted', () => {
    expect(loggableUrl('/account/set-password?token=abc123secret&x=1')).toBe('/account/set-password?token=[redacted]&x=1');
  });
});

describe('security headers', () => {
  it('every HTML page forbids inline script and framing and sets nosniff and a referrer policy', async () => {
    for (const url of ['/sites/plumber-joe', '/sites/no-such-site', '/account/set-password?token=x', '/account/verify-email', '/api/docs/']) {
      const res = await json('GET', url);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toMatch(/frame-ancestors '(none|self)'/);
      expect(csp, url).toMatch(/script-src 'self'/);
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBeTruthy();
      // Structured data (JSON-LD) is inert, never run; any other inline script would be.
      if (!url.startsWith('/api/docs')) expect(res.body, url).not.toMatch(/<script(?![^>]*\b(?:src=|type="application\/ld\+json"))[^>]*>/);
    }
    const script = await json('GET', '/assets/claim.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });
});

describe('GET /health/ready', () => {
  it('tells the public only ready or not ready, and an operator which check failed', async () => {
    const open = await json('GET', '/api/v1/health/ready');
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ status: 'ready' });
    const operator = await json('GET', '/api/v1/health/ready', undefined, admin());
    expect(operator.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
    expect((await json('GET', '/api/v1/health/ready', undefined, { authorization: 'Bearer wrong-token-123' })).json()).toEqual({ status: 'ready' });
  });
});

describe('Temporal codec endpoint', () => {
  it('encodes and decodes for an operator, answers the Web UI origin with CORS, and refuses anyone else', async () => {
    const payload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"owner@example.com"').toString('base64') };
    expect((await json('POST', '/api/v1/codec/encode', { payloads: [payload] })).statusCode).toBe(401);
    const encoded = await json('POST', '/api/v1/codec/encode', { payloads: [payload] }, admin());
    expect(encoded.statusCode).toBe(200);
    const sealed = encoded.json<{ payloads: { data: string }[] }>().payloads;
    expect(Buffer.from(sealed[0]!.data, 'base64').toString('latin1')).not.toContain('owner@example.com');
    const decoded = await json('POST', '/api/v1/codec/decode', { payloads: sealed }, { ...admin(), 'x-namespace': 'default' });
    expect(decoded.json<{ payloads: unknown[] }>().payloads).toEqual([payload]);

    const preflight = await api.app.inject({ method: 'OPTIONS', url: '/api/v1/codec/decode', headers: { origin: api.config.temporal.uiOrigin, 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(api.config.temporal.uiOrigin);
    const stranger = await api.app.inject({ method: 'OPTIONS', url: '/api/v1/codec/decode', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const garbage = await json('POST', '/api/v1/codec/decode', { payloads: [{ metadata: sealedMetadata(sealed[0]), data: 'AAAA' }] }, admin());
    expect(garbage.statusCode).toBe(400);
  });
});

function sealedMetadata(payload: unknown): Record<string, string> {
  return (payload as { metadata: Record<string, string> }).metadata;
}

describe('tickets', () => {
  it('are listed a page at a time and opened at most TICKET_CREATE_MAX times per window per customer', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const bearer = { authorization: `Bearer ${token}` };
    for (let i = 1; i <= 3; i++) {
      expect((await json('POST', '/api/v1/tickets', { subject: `Question ${i}`, description: 'Please help' }, bearer)).statusCode).toBe(201);
    }
    const limited = await json('POST', '/api/v1/tickets', { subject: 'Question 4', description: 'Please help' }, bearer);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
    expect(await api.orm.em.fork().count(SupportTicket)).toBe(3);

    const first = await json('GET', '/api/v1/tickets?limit=2', undefined, bearer);
    expect(first.json()).toMatchObject({ next_offset: 2 });
    expect(first.json<{ tickets: unknown[] }>().tickets).toHaveLength(2);
    const second = await json('GET', '/api/v1/tickets?limit=2&offset=2', undefined, bearer);
    expect(second.json()).toMatchObject({ next_offset: null });
    expect(second.json<{ tickets: unknown[] }>().tickets).toHaveLength(1);
    expect((await json('GET', '/api/v1/tickets?limit=1000', undefined, bearer)).statusCode).toBe(400);
  });
});

describe('slow clients', () => {
  it('cuts off a client that trickles its request body', async () => {
    const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /api/v1/customer/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    // One byte every 100 ms would take 100 s to send the body; the server must not wait that long.
    const trickle = setInterval(() => { if (!socket.destroyed) socket.write(' '); }, 100);
    await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);
});

describe('numbers and dates in queries', () => {
  it('answers 400 with a plain message to an offset past its maximum, and the OpenAPI document states every offset and limit maximum', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const site = await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    const res = await json('GET', `/api/v1/customer/sites/${site.id}/bookings?offset=75797963208768161316864`, undefined, { authorization: `Bearer ${token}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({ error: 'validation_failed', code: 'out_of_range', field: 'offset', message: 'The offset must be at most 100000.' });

    const document = (await json('GET', '/api/v1/openapi.json')).json<{ paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: { type?: string; maximum?: number } }[] }>> }>();
    const numbers = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).flatMap(([method, operation]) =>
      (operation.parameters ?? []).filter((p) => p.schema.type === 'integer' || ['offset', 'limit', 'count'].includes(p.name)).map((p) => ({ at: `${method} ${path} ${p.in} ${p.name}`, maximum: p.schema.maximum }))));
    expect(numbers.filter((n) => n.at.includes('offset')).length).toBeGreaterThanOrEqual(3);
    expect(numbers.filter((n) => typeof n.maximum !== 'number')).toEqual([]);
  });

  it('answers 400 with a plain message to a date PostgreSQL would refuse, on every route that takes dates', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const site = await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    const routes = [
      ['/api/v1/admin/purchase-statistics', admin()],
      ['/api/v1/admin/analytics', admin()],
      [`/api/v1/admin/analytics/sites/${site.id}`, admin()],
      [`/api/v1/customer/sites/${site.id}/analytics`, { authorization: `Bearer ${token}` }],
    ] as const;
    for (const [path, headers] of routes) {
      for (const date of ['0221-10-02T14:49:59.70+19:52', '2026-01-02T00:00:00+16:00', '9999-12-31T23:59:59Z']) {
        const res = await json('GET', `${path}?from=${encodeURIComponent(date)}`, undefined, headers);
        expect(res.statusCode, `${path} ${date}: ${res.body}`).toBe(400);
        expect(res.json<{ message: string }>().message).toBe('The start date must be a date and time between the years 2000 and 2100 with a UTC offset of at most 14 hours, such as 2026-01-31T00:00:00Z.');
      }
      const fine = await json('GET', `${path}?from=${encodeURIComponent('2026-01-02T00:00:00.123+05:30')}&to=${encodeURIComponent('2026-02-01T00:00:00Z')}`, undefined, headers);
      expect(fine.statusCode, `${path}: ${fine.body}`).toBe(200);
    }
  });
});

describe('deeply nested JSON', () => {
  it('is refused with 400 too_deep, not a 500', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/customer/login', headers: { 'content-type': 'application/json' }, payload: `{"email":"a@example.com","password":"x","extra":${deep}}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'too_deep' });
  });
});

describe('GET /claims/status', () => {
  it('answers a site already owned from the database, without asking Temporal', async () => {
    const em = api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
    site.status = 'owned';
    await em.flush();
    // No claim workflow ever ran for this site: Temporal would answer "not found".
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/claims/status?workflow_id=claim:${site.id}`, remoteAddress: '192.0.2.40' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ workflow_id: `claim:${site.id}`, status: 'completed', ready: true, slug: 'plumber-joe' });
  });

  it('is throttled per client address', async () => {
    const site = await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    const ask = (remoteAddress: string) => api.app.inject({ method: 'GET', url: `/api/v1/claims/status?workflow_id=claim:${site.id}`, remoteAddress });
    for (let i = 0; i < 5; i++) expect((await ask(`2001:db8:77:1::${i + 1}`)).statusCode).toBe(404);
    const limited = await ask('2001:db8:77:1::99');
    expect(limited.statusCode, limited.body).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(limited.headers['retry-after']).toBeTruthy();
    expect((await ask('192.0.2.41')).statusCode).toBe(404);
  });
});

describe('per-address limits', () => {
  it('count every address of one IPv6 /64 together, under keys salted with a secret', async () => {
    const login = (email: string, remoteAddress: string) => api.app.inject({ method: 'POST', url: '/api/v1/customer/login', remoteAddress, payload: { email, password: 'Wrong-password-1' } });
    for (const [i, host] of ['::1', '::a:b', ':ffff:ffff:ffff:fffe'].entries()) {
      expect((await login(`nobody${i}@example.com`, `2001:db8:5:6${host}`)).statusCode).toBe(401);
    }
    expect((await login('nobody9@example.com', '2001:db8:5:6::beef')).statusCode).toBe(429);
    expect((await login('nobody9@example.com', '2001:db8:5:7::1')).statusCode).toBe(401);

    const keys = (await api.orm.em.fork().find(RateLimitCounter, {})).map((counter) => counter.key);
    const unsalted = (subject: string) => `login-ip:${createHash('sha256').update(subject).digest('base64url')}`;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).not.toContain(unsalted('2001:db8:5:6::1'));
    expect(keys).not.toContain(unsalted('2001:db8:5:6::/64'));
  });
});
