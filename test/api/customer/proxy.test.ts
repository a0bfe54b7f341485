import { describe, expect, it } from 'vitest';
import { call, useCustomerApi } from './support.js';

// No TRUST_PROXY: the API is reached directly, so a client-supplied X-Forwarded-For must not count.
const ctx = useCustomerApi({ LOGIN_MAX_PER_IP: '2', LOGIN_MAX_PER_EMAIL: '100' });

describe('client addresses without a trusted proxy', () => {
  it('ignores a forged X-Forwarded-For, so the per-IP login limit cannot be dodged', async () => {
    const attempt = (i: number) => call(ctx, 'POST', '/login', {
      headers: { 'x-forwarded-for': `203.0.113.${i}` },
      body: { email: `nobody${i}@example.com`, password: 'Not-the-password-1' },
    });
    expect((await attempt(1)).statusCode).toBe(401);
    expect((await attempt(2)).statusCode).toBe(401);
    expect((await attempt(3)).statusCode).toBe(429);
  });
});
