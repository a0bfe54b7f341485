import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { openOrm } from '../../db/orm.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
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

const DOCUMENT_CSP = "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';img-src 'self' data: https:;font-src 'self' data:;connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'self';object-src 'none'";
// Headers for browsers no longer supported (Internet Explorer 8's download option, the retired XSS auditors) are sent nowhere.
const NOWHERE = ['x-download-options', 'x-xss-protection'];
// On every answer, API or document.
const EVERYWHERE = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-site',
};

it('puts the API set of security headers on every API answer: JSON, a 404 and a refused request', async () => {
  const answers = await Promise.all([
    app.inject({ method: 'GET', url: '/api/v1/health/live' }),
    app.inject({ method: 'GET', url: '/api/v1/no-such-route' }),
    app.inject({ method: 'POST', url: '/api/v1/customer/login', payload: { email: 'not-an-email' } }),
  ]);
  expect(answers.map((res) => res.statusCode)).toEqual([200, 404, 400]);
  for (const res of answers) {
    expect(res.headers).toMatchObject({ ...EVERYWHERE, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" });
    // Document-only headers mean nothing on JSON.
    for (const name of ['referrer-policy', 'cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', ...NOWHERE]) {
      expect(res.headers[name], name).toBeUndefined();
    }
  }
});

it('puts the document set on pages, the portal (with its own stricter CSP), the API docs and a page-side 404', async () => {
  const answers = await Promise.all([
    app.inject({ method: 'GET', url: '/account/sign-in' }),
    app.inject({ method: 'GET', url: '/api/docs/' }),
    app.inject({ method: 'GET', url: '/sites/no-such-site' }),
  ]);
  expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 404]);
  // The portal's pages carry link tokens: their own stricter CSP and no referrer.
  const portalPage = answers[0];
  expect(portalPage.headers).toMatchObject({ 'referrer-policy': 'no-referrer' });
  expect(portalPage.headers['content-security-policy']).toContain("base-uri 'none'");
  for (const res of answers) {
    expect(res.headers).toMatchObject({
      ...EVERYWHERE,
      'cross-origin-opener-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-permitted-cross-domain-policies': 'none',
    });
    for (const name of NOWHERE) expect(res.headers[name], name).toBeUndefined();
    if (res === portalPage) continue;
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  }
  expect(answers[2].headers['content-security-policy']).toBe(DOCUMENT_CSP);
});
