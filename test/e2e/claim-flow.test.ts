import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { callApi, readMail as readStackMail } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const PASSWORD = 'Plumbing-Is-Life-42';

beforeAll(async () => {
  stack = await startTestStack();
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(() => stack.stop());

/** Every request goes over real HTTP to the listening API, as a browser or app would send it. */
const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string) => callApi<T>(stack, method, path, { body, token });
const readMail = (to: string, tag: string) => readStackMail(stack, to, tag);

/** Buys a preview on the hosted checkout page the way the customer does: claim, open the page, press Pay. */
async function buy(slug: string, email: string, name: string): Promise<void> {
  const claim = await call<{ checkout_url: string }>('POST', `/api/v1/sites/${slug}/purchase`, { email, name });
  expect(claim.status).toBe(200);
  const page = await fetch(claim.json.checkout_url);
  expect(await page.text()).toContain(`${claim.json.checkout_url}/pay`);
  const paid = await fetch(`${claim.json.checkout_url}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}`, redirect: 'manual' });
  expect(paid.status).toBe(303);
  expect(paid.headers.get('location')).toMatch(/\/account\/welcome\?claim=claim%3A[0-9a-f-]{36}$/);
}

describe('a customer buys a preview site and manages it', () => {
  it('purchase → pay → set password from the email → log in → my-sites; a second purchase adds a non-primary site', async () => {
    await buy('plumber-joe', 'joe.owner@example.com', 'Joe Owner');

    const welcome = await readMail('joe.owner@example.com', 'welcome_set_password');
    const token = /token=([A-Za-z0-9_-]+)/.exec(welcome.TextBody)?.[1];
    expect(token).toBeTruthy();
    const session = await call<{ access_token: string; user: { owned_sites_count: number } }>('POST', '/api/v1/customer/set-password', { token, password: PASSWORD });
    expect(session.status).toBe(200);
    expect(session.json.user.owned_sites_count).toBe(1);

    const login = await call<{ access_token: string; token_type: string }>('POST', '/api/v1/customer/login', { email: 'Joe.Owner@example.com', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json.token_type).toBe('bearer');
    const auth = login.json.access_token;

    const mine = await call<{ sites: { slug: string; is_primary: boolean; status: string; subscription_status: string }[]; has_multiple_sites: boolean }>('GET', '/api/v1/customer/my-sites', undefined, auth);
    expect(mine.status).toBe(200);
    expect(mine.json.has_multiple_sites).toBe(false);
    expect(mine.json.sites).toEqual([expect.objectContaining({ slug: 'plumber-joe', is_primary: true, status: 'owned', subscription_status: 'pending_activation' })]);
    const page = await fetch(`${stack.baseUrl}/sites/plumber-joe`);
    expect(await page.text()).not.toContain('Claim this website');

    await buy('roofer-bob', 'joe.owner@example.com', 'Joe Owner');
    await readMail('joe.owner@example.com', 'purchase_confirmation');
    await expect.poll(async () => (await call<{ total: number }>('GET', '/api/v1/customer/my-sites', undefined, auth)).json.total, { timeout: 15_000 }).toBe(2);
    const both = await call<{ sites: { slug: string; is_primary: boolean; site_id: string }[]; has_multiple_sites: boolean }>('GET', '/api/v1/customer/my-sites', undefined, auth);
    expect(both.json.has_multiple_sites).toBe(true);
    expect(both.json.sites.map((s) => [s.slug, s.is_primary])).toEqual([['plumber-joe', true], ['roofer-bob', false]]);

    const roofer = both.json.sites[1]!.site_id;
    const switched = await call<{ sites: { slug: string; is_primary: boolean }[] }>('PUT', `/api/v1/customer/sites/${roofer}/primary`, undefined, auth);
    expect(switched.status).toBe(200);
    expect(switched.json.sites.map((s) => [s.slug, s.is_primary])).toEqual([['roofer-bob', true], ['plumber-joe', false]]);
    expect((await call<{ slug: string }>('GET', '/api/v1/customer/my-site', undefined, auth)).json.slug).toBe('roofer-bob');
  });

  it('checks ownership and authentication on every site-scoped portal call', async () => {
    await buy('la-plumbing-pros', 'other@example.com', 'Other Owner');
    const login = await call<{ access_token: string }>('POST', '/api/v1/customer/login', { email: 'joe.owner@example.com', password: PASSWORD });
    const auth = login.json.access_token;
    const sites = await stack.api.orm.em.fork().getConnection().execute<{ id: string }[]>(`select id from sites where slug = 'la-plumbing-pros'`);

    const foreign = await call('PUT', `/api/v1/customer/sites/${sites[0]!.id}/primary`, undefined, auth);
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: 'site_not_owned' });
    expect((await call('PUT', '/api/v1/customer/sites/not-a-uuid/primary', undefined, auth)).status).toBe(400);
    expect((await call('GET', '/api/v1/customer/my-sites')).status).toBe(401);
    expect((await call('GET', '/api/v1/customer/my-site', undefined, 'not.a.token')).status).toBe(401);
  });
});
