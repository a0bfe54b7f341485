import { describe, expect, it } from 'vitest';
import { OneTimeToken } from '../../../db/entities/index.js';
import { createTestApi } from '../../helpers/api.js';
import { call, createCustomer, failure, linkFromEmail, PASSWORD, useCustomerApi } from './support.js';

// Each test uses its own addresses and client IPs: the counters live in the app, which the whole file shares.
// Requests come from the trusted proxy at 127.0.0.1, which names the client in X-Forwarded-For.
const LIMITS = {
  TRUST_PROXY: '127.0.0.1',
  LOGIN_MAX_PER_IP: '5',
  LOGIN_MAX_PER_EMAIL: '3',
  LOGIN_RATE_WINDOW: '15m',
  AUTH_EMAIL_MAX_PER_IP: '4',
  AUTH_EMAIL_MAX_PER_EMAIL: '2',
  AUTH_EMAIL_RATE_WINDOW: '1h',
};
const ctx = useCustomerApi(LIMITS);

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
  it('backs off an account from the address its failures come from, never locking the owner out from another', async () => {
    await createCustomer(ctx, { email: 'target@example.com' });
    for (let i = 1; i <= 3; i++) {
      const res = await call(ctx, 'POST', '/login', { headers: from('198.51.100.1'), body: { email: 'target@example.com', password: `Guess-number-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    // The stranger's address now backs off, briefly (a growing delay, not a lock for the whole window)…
    const blocked = await call(ctx, 'POST', '/login', { headers: from('198.51.100.1'), body: { email: 'TARGET@example.com', password: PASSWORD } });
    expectRateLimited(blocked, 15 * 60);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(2);
    // …while the owner, from their own address, signs in at once.
    expect((await call(ctx, 'POST', '/login', { headers: from('198.51.100.2'), body: { email: 'target@example.com', password: PASSWORD } })).statusCode).toBe(200);
  });

  it('doubles the back-off with each further failure, up to the window', async () => {
    const counters = async () => ctx.api.orm.em.getConnection().execute<{ count: number; ms: number }[]>(
      `select count, extract(epoch from (blocked_until - now())) * 1000 as ms from rate_limit_counters where blocked_until is not null order by count`,
    );
    for (let i = 1; i <= 3; i++) {
      await call(ctx, 'POST', '/login', { headers: from('198.51.100.30'), body: { email: 'someone@example.com', password: `Guess-number-${i}` } });
    }
    const first = (await counters()).find((c) => c.count === 3);
    expect(Number(first?.ms)).toBeLessThanOrEqual(1000);
    // The back-off ran out: the next failure doubles it.
    await ctx.api.orm.em.getConnection().execute(`update rate_limit_counters set blocked_until = now() where blocked_until is not null`);
    await call(ctx, 'POST', '/login', { headers: from('198.51.100.30'), body: { email: 'someone@example.com', password: 'Guess-number-4' } });
    const second = (await counters()).find((c) => c.count === 4);
    expect(Number(second?.ms)).toBeGreaterThan(1000);
    expect(Number(second?.ms)).toBeLessThanOrEqual(2000);
  });

  it('counts failures only: an owner signing in again and again is never limited', async () => {
    await createCustomer(ctx, { email: 'busy@example.com' });
    for (let i = 1; i <= 8; i++) {
      expect((await call(ctx, 'POST', '/login', { headers: from('198.51.100.40'), body: { email: 'busy@example.com', password: PASSWORD } })).statusCode).toBe(200);
    }
  });

  it('limits failures per client address across email addresses', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await call(ctx, 'POST', '/login', { headers: from('203.0.113.7'), body: { email: `spray${i}@example.com`, password: PASSWORD } });
      expect(res.statusCode).toBe(401);
    }
    expectRateLimited(await call(ctx, 'POST', '/login', { headers: from('203.0.113.7'), body: { email: 'spray6@example.com', password: PASSWORD } }), 15 * 60);
    expect((await call(ctx, 'POST', '/login', { headers: from('203.0.113.8'), body: { email: 'spray6@example.com', password: PASSWORD } })).statusCode).toBe(401);
  });

  it('is shared by every API process: failures on one count on another', async () => {
    const other = await createTestApi({ ...LIMITS, TEMPORAL_TASK_QUEUE: ctx.api.config.temporal.taskQueue });
    try {
      for (let i = 1; i <= 3; i++) {
        const res = await call(ctx, 'POST', '/login', { headers: from('198.51.100.60'), body: { email: 'shared@example.com', password: `Guess-number-${i}` } });
        expect(res.statusCode).toBe(401);
      }
      const elsewhere = await other.app.inject({
        method: 'POST', url: '/api/v1/customer/login', headers: from('198.51.100.60'), payload: { email: 'shared@example.com', password: 'Guess-number-4' },
      });
      expectRateLimited(elsewhere, 15 * 60);
    } finally {
      await other.close();
    }
  });
});

describe('forgot-password rate limits', () => {
  it('limits requests per email address and sends no email once limited', async () => {
    await createCustomer(ctx, { email: 'flooded@example.com' });
    for (let i = 1; i <= 2; i++) {
      expect((await call(ctx, 'POST', '/forgot-password', { headers: from(`192.0.2.${i}`), body: { email: 'flooded@example.com' } })).statusCode).toBe(202);
    }
    expectRateLimited(await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.3'), body: { email: 'Flooded@example.com' } }), 3600);
    await linkFromEmail(ctx, 'flooded@example.com', 'reset_password');
    await linkFromEmail(ctx, 'flooded@example.com', 'reset_password');
    expect(await ctx.api.orm.em.fork().count(OneTimeToken, { purpose: 'reset_password' })).toBe(2);
  });

  it('limits requests per client address, for unknown addresses too', async () => {
    for (let i = 1; i <= 4; i++) {
      expect((await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.50'), body: { email: `who${i}@example.com` } })).statusCode).toBe(202);
    }
    expectRateLimited(await call(ctx, 'POST', '/forgot-password', { headers: from('192.0.2.50'), body: { email: 'who5@example.com' } }), 3600);
  });
});
