import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { openOrm } from '../../db/orm.js';
import { createTemporalClient } from '../../lib/temporal.js';
import { testConfig } from '../helpers/env.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  const config = testConfig();
  const orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  app = await buildApp({ config, orm, temporal }, { logger: false, relay: false });
  close = async () => { await app.close(); await temporal.connection.close(); await orm.close(); };
});
afterAll(() => close());

it('puts the same security headers on every answer: JSON, a portal page (with its own stricter CSP), a 404 and a refused request', async () => {
  const answers = await Promise.all([
    app.inject({ method: 'GET', url: '/api/v1/health/live' }),
    app.inject({ method: 'GET', url: '/account/sign-in' }),
    app.inject({ method: 'GET', url: '/api/v1/no-such-route' }),
    app.inject({ method: 'POST', url: '/api/v1/customer/login', payload: { email: 'not-an-email' } }),
  ]);
  expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 404, 400]);
  // The portal's pages carry link tokens: their own stricter CSP and no referrer.
  const portalPage = answers[1];
  expect(portalPage.headers).toMatchObject({ 'referrer-policy': 'no-referrer' });
  expect(portalPage.headers['content-security-policy']).toContain("base-uri 'none'");
  for (const res of answers) {
    expect(res.headers).toMatchObject({
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-site',
      'cross-origin-opener-policy': 'same-origin',
    });
    if (res === portalPage) continue;
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';img-src 'self' data: https:;font-src 'self' data:;connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'self';object-src 'none'",
    );
  }
});
