import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerUser, OneTimeToken, Site } from '../../db/entities/index.js';
import { issueOneTimeToken } from '../../db/one-time-tokens.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { FIELD_LIMITS } from '../../lib/field-limits.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
});

/** Words of a validator or a regular expression that no person should read. */
const VALIDATOR_WORDS = /body\/|querystring\/|params\/|headers\/|must match|must NOT have|pattern|must have required|\^|\\[sS]|\[0-9/;

interface ErrorBody {
  error: string;
  code?: string;
  field?: string;
  message: string;
}

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, token?: string) {
  const res = await api.app.inject({ method, url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, body: res.json<ErrorBody>() };
}

describe('validation errors', () => {
  it('answer a sentence naming the field, with code and field beside it', async () => {
    const purchase = (body: unknown) => call('POST', '/api/v1/sites/plumber-joe/purchase', body);
    expect(await purchase({ name: 'Joe', email: 'not-an-email' })).toEqual({
      status: 400, body: { error: 'validation_failed', code: 'invalid_email', field: 'email', message: 'Enter a valid email address, such as name@example.com.' },
    });
    expect((await purchase({ email: 'joe@example.com' })).body).toEqual({ error: 'validation_failed', code: 'required', field: 'name', message: 'Please fill in the name.' });
    expect((await purchase({ name: '   ', email: 'joe@example.com' })).body).toMatchObject({ code: 'required', field: 'name', message: 'Please fill in the name.' });
    expect((await purchase({ name: 'x'.repeat(FIELD_LIMITS.personName + 1), email: 'joe@example.com' })).body).toMatchObject({
      code: 'too_long', field: 'name', message: `The name can be at most ${FIELD_LIMITS.personName} characters long.`,
    });
    expect((await purchase({ name: 'Joe', email: 'joe@example.com', admin: true })).body).toMatchObject({ code: 'unknown_field', field: 'admin' });
    expect((await purchase({ name: 42, email: 'joe@example.com' })).body).toMatchObject({ code: 'invalid_type', field: 'name', message: 'The name must be text.' });
  });

  it('say what a phone number, a ticket and an address look like, never the regular expression', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const phone = await call('PUT', '/api/v1/customer/profile', { phone: 'call me maybe' }, token);
    expect(phone.body).toMatchObject({ code: 'invalid_format', field: 'phone' });
    expect(phone.body.message).toBe('The phone number must be digits, with + ( ) - . or spaces if you like, such as +1 555 010 2233.');
    const name = await call('PUT', '/api/v1/customer/profile', { full_name: 'Two\nlines' }, token);
    expect(name.body).toMatchObject({ code: 'invalid_format', field: 'full_name', message: 'The full name must be written on one line.' });
    expect((await call('PUT', '/api/v1/customer/profile', {}, token)).body).toMatchObject({ code: 'required', message: 'Change at least one field before saving.' });

    const ticket = await call('POST', '/api/v1/tickets', { subject: 's'.repeat(FIELD_LIMITS.ticketSubject + 1), description: 'Help' }, token);
    expect(ticket.body).toMatchObject({ code: 'too_long', field: 'subject' });
    expect((await call('POST', '/api/v1/tickets', { subject: 'Hello', description: ' \n ' }, token)).body).toMatchObject({ code: 'required', field: 'description' });
    const badId = await call('GET', '/api/v1/customer/sites/not-a-uuid/bookings', undefined, token);
    expect(badId.body).toMatchObject({ code: 'invalid_format', field: 'siteId', message: 'The site is not a valid reference.' });
    const badQuery = await call('GET', '/api/v1/tickets?limit=0', undefined, token);
    expect(badQuery.body).toMatchObject({ code: 'out_of_range', field: 'limit' });

    for (const body of [phone.body, name.body, ticket.body, badId.body, badQuery.body]) expect(body.message).not.toMatch(VALIDATOR_WORDS);
  });

  it('keep the business code in `code` for errors the services raise', async () => {
    const login = await call('POST', '/api/v1/customer/login', { email: 'nobody@example.com', password: 'whatever-it-is' });
    expect(login.body).toMatchObject({ error: 'invalid_credentials', code: 'invalid_credentials' });
    // The body is optional (a browser sends its refresh token as a cookie): without a token, nothing signs in.
    const refresh = await call('POST', '/api/v1/customer/refresh', {});
    expect(refresh.body).toMatchObject({ error: 'invalid_refresh_token', code: 'invalid_refresh_token' });
    expect(refresh.body.message).not.toMatch(VALIDATOR_WORDS);
  });

  it('declares code and field beside error and message in the OpenAPI document', async () => {
    type Schema = { properties: Record<string, unknown>; required: string[] };
    const document = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>> }>();
    const schema = document.paths['/api/v1/sites/{slug}/purchase']?.post?.responses['400']?.content['application/json']?.schema;
    expect(schema?.required.sort()).toEqual(['error', 'message']);
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(['code', 'error', 'field', 'message']);
  });
});

describe('emailed link state', () => {
  it('says whether a link is usable, used, expired or unknown, spending nothing', async () => {
    const em = api.orm.em.fork();
    const customer = em.create(CustomerUser, { email: 'links@example.com', fullName: 'Links', passwordHash: null });
    await em.flush();
    const state = async (token: string, purpose = 'reset_password') => (await api.app.inject({ method: 'POST', url: '/api/v1/customer/link-state', payload: { token, purpose } })).json<{ state: string }>().state;
    const live = await issueOneTimeToken(em, customer, 'reset_password');
    expect(await state(live.token)).toBe('usable');
    expect(await state(live.token)).toBe('usable');
    expect(await state(live.token, 'verify_email')).toBe('invalid');
    expect(await state('no-such-token')).toBe('invalid');
    const reset = await api.app.inject({ method: 'POST', url: '/api/v1/customer/reset-password', payload: { token: live.token, password: 'A-new-password-2026' } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await state(live.token)).toBe('used');
    const old = await issueOneTimeToken(em, customer, 'reset_password', { now: new Date(Date.now() - 2 * 86_400_000) });
    expect(await state(old.token)).toBe('expired');
    expect(await em.count(OneTimeToken, { customer, usedAt: null })).toBe(1);
  });
});

describe('unknown addresses', () => {
  it('answer an HTML 404 page under page routes and JSON under /api', async () => {
    const site = await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    for (const url of ['/portal/nonsense', '/console/nonsense', '/account/nonsense', '/sites/plumber-joe/nonsense', `/account/support/${site.id}/more`]) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).not.toContain('"error"');
    }
    const page = await api.app.inject({ method: 'GET', url: '/sites/plumber-joe/nonsense' });
    expect(page.body).toContain('Page not found');
    expect(page.body).toContain('href="/sites/plumber-joe"');
    for (const url of ['/account', '/account/support', `/account/support/${site.id}`, '/console', '/console/sign-in']) {
      expect((await api.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const json = await api.app.inject({ method: 'GET', url: '/api/v1/nonsense' });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ error: 'not_found', code: 'not_found' });
  });
});
