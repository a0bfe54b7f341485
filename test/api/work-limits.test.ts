import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EditRequest, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;
let token: string;
let sites: [string, string];

beforeAll(async () => {
  api = await createTestApi({
    EDIT_REQUEST_MAX_PER_SITE: '2', EDIT_REQUEST_MAX_PER_CUSTOMER: '3', EDIT_REQUEST_RATE_WINDOW: '1h',
    DOMAIN_CHECK_MAX_PER_SITE: '2', DOMAIN_CHECK_MAX_PER_CUSTOMER: '3', DOMAIN_CHECK_RATE_WINDOW: '1h', SITES_DOMAIN: 'webmagic.site',
  });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  ({ token } = await signedInOwner(api, 'joe@example.com', ['plumber-joe', 'roofer-bob']));
  const em = api.orm.em.fork();
  await em.nativeUpdate(Site, { slug: { $in: ['plumber-joe', 'roofer-bob'] } }, { status: 'active', subscriptionStatus: 'active' });
  sites = [(await em.findOneOrFail(Site, { slug: 'plumber-joe' })).id, (await em.findOneOrFail(Site, { slug: 'roofer-bob' })).id];
});

const post = (url: string, payload?: object) =>
  api.app.inject({ method: 'POST', url: `/api/v1/customer/sites/${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

function expectLimited(res: Awaited<ReturnType<typeof post>>, what: RegExp): void {
  expect(res.statusCode, res.body).toBe(429);
  const body = res.json<{ error: string; message: string; retry_after: number }>();
  expect(body.error).toBe('rate_limited');
  expect(body.message).toMatch(what);
  expect(body.retry_after).toBeGreaterThan(0);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('work a customer can start is limited per site and per customer', () => {
  it('edit requests (each drafts with the editor and sends an email): 429 past the site\'s and then the customer\'s count, nothing opened', async () => {
    const [a, b] = sites;
    for (const n of [1, 2]) expect((await post(`${a}/edit-requests`, { request: `Change the phone to 555-010-000${n}` })).statusCode).toBe(201);
    expectLimited(await post(`${a}/edit-requests`, { request: 'Change the phone to 555-010-0003' }), /this site/);
    expect((await post(`${b}/edit-requests`, { request: 'Change the phone to 555-010-0004' })).statusCode).toBe(201);
    expectLimited(await post(`${b}/edit-requests`, { request: 'Change the phone to 555-010-0005' }), /your edit requests/);
    expect(await api.orm.em.fork().count(EditRequest)).toBe(3);
  });

  it('domain connects and checks: 429 past the site\'s and then the customer\'s count', async () => {
    const [a, b] = sites;
    expect((await post(`${a}/domain`, { domain: 'www.joe-plumbing.test' })).statusCode).toBe(201);
    expect((await post(`${a}/domain/check`)).statusCode).toBe(202);
    expectLimited(await post(`${a}/domain/check`), /this site/);
    expect((await post(`${b}/domain`, { domain: 'www.bob-roofing.test' })).statusCode).toBe(201);
    expectLimited(await post(`${b}/domain/check`), /your domains/);
  });
});
