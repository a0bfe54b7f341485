import { describe, expect, it } from 'vitest';
import { OneTimeToken } from '../../../db/entities/index.js';
import { call, createCustomer, failure, PASSWORD, useCustomerApi } from './support.js';

// Each test uses its own addresses and client IPs: the counters live in the app, which the whole file shares.
// Requests come from the trusted proxy at 127.0.0.1, which names the client in X-Forwarded-For.
const ctx = useCustomerApi({
  TRUST_PROXY: '127.0.0.1',
  LOGIN_MAX_PER_IP: '5',
  LOGIN_MAX_PER_EMAIL: '3',
  LOGIN_RATE_WINDOW: '15m',
  AUTH_EMAIL_MAX_PER_IP: '4',
  AUTH_EMAIL_MAX_PER_EMAIL: '2',
  AUTH_EMAIL_RATE_WINDOW: '1h',
});

function from(ip: string) {
  return { 'x-forwarded-for': ip };
}

function expectRateLimited(res: Awaited<ReturnType<typeof call>>, windowSeconds: number) {
  expect(res.statusCode).toBe(429);
  expect(failure(res).error).toBe('rate_limited');
  expect(failure(res).message).toMatch(/try again in \d+ seconds/);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('login rate limits', () => {
  it('limits attempts per email address, whichever address they come from, even with the right password', async () => {
    await createCustomer(ctx, { email: 'target@example.com' });
    for (let i = 1; i <= 3; i++) {
      const res = await call(ctx, 'POST', '/login', { headers: from(`198.51.100.${i}`), body: { email: 'target@example.com', password: `Guess-number-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await call(ctx, 'POST', '/login', { headers: from('198.51.100.9'), body: { email: 'TARGET@example.com', password: PASSWORD } });
    expectRateLimited(blocked, 15 * 60);
    // Other accounts are unaffected.
    await createCustomer(ctx, { email: 'other@example.com' });
    expect((await call(ctx, 'POST', '/login', { headers: from('198.51.100.9'), body: { email: 'other@example.com', password: PASSWORD } })).statusCode).toBe(200);
  });

  it('limits attempts per client address across email addresses', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await call(ctx, 'POST', '/login', { headers: from('203.0.113.7'), body: { email: `spray${i}@example.com`, password: PASSWORD } });
      expect(res.statusCode).toBe(401);
    }
    expectRateLimited(await call(ctx, 'POST', '/login', { headers: from('203.0.113.7'), body: { email: 'spray6@example.com', password: PASSWORD } }), 15 * 60);
    expect((await call(ctx, 'POST', '/login', { headers: from('203.0.113.8'), body: { email: 'spray6@example.com', password: PASSWORD } })).statusCode).toBe(401);
  });
});

describe('forgot-password rate limits', () => {
  it('limits requests per email address and sends no email once limited', async () => {
    await createCustomer(ctx, { email: 'flooded@example.com' });
    for (let i = 1; i <= 2; i++) {
      expect((await call(ctx, 'POST', '/forgot-password', { headers: from(`192.0.2.${i}`), body: { email: 'flooded@example.com' } })).statusCode).toBe(202);
    }
    expectRateLimited(await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.3'), body: { email: 'Flooded@example.com' } }), 3600);
    expect(await ctx.api.orm.em.fork().count(OneTimeToken, { purpose: 'reset_password' })).toBe(2);
  });

  it('limits requests per client address, for unknown addresses too', async () => {
    for (let i = 1; i <= 4; i++) {
      expect((await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.50'), body: { email: `who${i}@example.com` } })).statusCode).toBe(202);
    }
    expectRateLimited(await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.50'), body: { email: 'who5@example.com' } }), 3600);
  });
});
