import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../api/auth/access-tokens.js';
import { Business, CustomerSiteOwnership, CustomerUser, RefreshToken, Site } from '../../../db/entities/index.js';
import { hashToken } from '../../../lib/auth/secrets.js';
import { accountTables, call, createCustomer, failure, login, PASSWORD, useCustomerApi, type Session } from './support.js';

const ctx = useCustomerApi();

async function refresh(refreshToken: string) {
  return call(ctx, 'POST', '/refresh', { body: { refresh_token: refreshToken } });
}

async function me(accessToken: string) {
  return call(ctx, 'GET', '/me', { token: accessToken });
}

describe('POST /customer/login', () => {
  it('answers a bearer session with the profile, and records the login', async () => {
    const customer = await createCustomer(ctx);
    const res = await call(ctx, 'POST', '/login', { body: { email: 'ANA@Example.com', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const session = res.json<Session>();
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 900, user: { id: customer.id, email: 'ana@example.com', full_name: 'Ana Pérez', owned_sites_count: 0, primary_site: null } });
    expect(session.access_token.split('.')).toHaveLength(3);
    expect(session.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const em = ctx.api.orm.em.fork();
    const stored = await em.findOneOrFail(RefreshToken, { customer: customer.id });
    expect(stored.tokenHash).toBe(hashToken(session.refresh_token));
    expect((await em.findOneOrFail(CustomerUser, { id: customer.id })).lastLoginAt).toBeInstanceOf(Date);
  });

  it('gives the same 401 for a wrong password, an unknown address, an account without password and a deactivated one', async () => {
    await createCustomer(ctx);
    await createCustomer(ctx, { email: 'nopass@example.com', password: null });
    await createCustomer(ctx, { email: 'gone@example.com', isActive: false });
    const attempts = [
      { email: 'ana@example.com', password: 'Wrong-password-1' },
      { email: 'nobody@example.com', password: PASSWORD },
      { email: 'nopass@example.com', password: PASSWORD },
      { email: 'gone@example.com', password: PASSWORD },
    ];
    const answers: unknown[] = [];
    for (const body of attempts) {
      const res = await call(ctx, 'POST', '/login', { body });
      expect(res.statusCode, body.email).toBe(401);
      answers.push(res.json());
    }
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
    expect(answers[0]).toEqual({ error: 'invalid_credentials', code: 'invalid_credentials', message: 'The email address or password is incorrect' });
    expect(await ctx.api.orm.em.fork().count(RefreshToken, {})).toBe(0);
  });

  it('refuses malformed bodies without touching anything', async () => {
    await createCustomer(ctx);
    const before = await accountTables(ctx);
    for (const body of [
      { email: 'ana@example.com' },
      { email: 'ana', password: PASSWORD },
      { email: 'ana@example.com', password: 1234567890 },
      { email: 'ana@example.com', password: PASSWORD, remember_me: true },
      { email: 'ana@example.com', password: 'x'.repeat(257) },
    ]) {
      const res = await call(ctx, 'POST', '/login', { body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await accountTables(ctx)).toBe(before);
  });
});

describe('POST /customer/refresh', () => {
  it('rotates: the new pair works and the old refresh token is spent', async () => {
    await createCustomer(ctx);
    const first = await login(ctx);
    const res = await refresh(first.refresh_token);
    expect(res.statusCode).toBe(200);
    const second = res.json<Session>();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.user).toMatchObject({ email: 'ana@example.com' });
    expect((await me(second.access_token)).statusCode).toBe(200);

    const rows = await ctx.api.orm.em.fork().find(RefreshToken, {}, { orderBy: { createdAt: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.familyId).toBe(rows[1]!.familyId);
    expect(rows[0]!.rotatedAt).toBeInstanceOf(Date);
    expect(rows[1]!.rotatedAt).toBeNull();
  });

  it('treats reuse of a rotated token as theft: the whole family is revoked, other sessions survive', async () => {
    await createCustomer(ctx);
    const stolen = await login(ctx);
    const otherDevice = await login(ctx);
    const rotated = (await refresh(stolen.refresh_token)).json<Session>();

    const reuse = await refresh(stolen.refresh_token);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ error: 'refresh_token_reused' });

    const afterRevocation = await refresh(rotated.refresh_token);
    expect(afterRevocation.statusCode).toBe(401);
    expect(afterRevocation.json()).toMatchObject({ error: 'invalid_refresh_token' });
    const revokedAccess = await me(rotated.access_token);
    expect(revokedAccess.statusCode).toBe(401);
    expect(revokedAccess.json()).toMatchObject({ error: 'session_ended' });

    expect((await me(otherDevice.access_token)).statusCode).toBe(200);
    expect((await refresh(otherDevice.refresh_token)).statusCode).toBe(200);
  });

  it('refuses expired, tampered and unknown tokens, and tokens of a deactivated account', async () => {
    await createCustomer(ctx);
    const session = await login(ctx);
    const tampered = `${session.refresh_token.slice(0, -1)}${session.refresh_token.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [tampered, 'not-a-token', 'A'.repeat(43)]) {
      const res = await refresh(token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'invalid_refresh_token' });
    }

    const em = ctx.api.orm.em.fork();
    await em.nativeUpdate(RefreshToken, {}, { expiresAt: new Date(Date.now() - 1000) });
    const expired = failure(await refresh(session.refresh_token));
    expect(expired.error).toBe('invalid_refresh_token');
    expect(expired.message).toMatch(/expired/);

    const second = await login(ctx);
    await em.nativeUpdate(CustomerUser, {}, { isActive: false });
    expect((await refresh(second.refresh_token)).statusCode).toBe(401);
  });

  it('refuses malformed bodies', async () => {
    for (const body of [{ refresh_token: 12 }, { refresh_token: '' }, { refresh_token: 'x', access_token: 'y' }]) {
      const res = await call(ctx, 'POST', '/refresh', { body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
  });

  it('answers a body without a token, which the document allows (the cookie is the other place for it), with 401', async () => {
    const res = await call(ctx, 'POST', '/refresh', { body: {} });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'invalid_refresh_token' });
  });
});

describe('POST /customer/logout', () => {
  it('ends the session: its refresh and access tokens stop working, other sessions do not', async () => {
    await createCustomer(ctx);
    const session = await login(ctx);
    const other = await login(ctx);
    const res = await call(ctx, 'POST', '/logout', { body: { refresh_token: session.refresh_token } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    expect((await refresh(session.refresh_token)).json()).toMatchObject({ error: 'invalid_refresh_token' });
    expect((await me(session.access_token)).json()).toMatchObject({ error: 'session_ended' });
    expect((await me(other.access_token)).statusCode).toBe(200);
  });

  it('is idempotent and says nothing about unknown tokens', async () => {
    await createCustomer(ctx);
    const session = await login(ctx);
    for (const token of [session.refresh_token, session.refresh_token, 'unknown-token']) {
      expect((await call(ctx, 'POST', '/logout', { body: { refresh_token: token } })).statusCode).toBe(204);
    }
    expect((await call(ctx, 'POST', '/logout', { body: { refresh_token: 5 } })).statusCode).toBe(400);
  });
});

describe('authentication of customer routes', () => {
  it('answers 401 with WWW-Authenticate for a missing, malformed, forged, expired or foreign token', async () => {
    const customer = await createCustomer(ctx);
    const session = await login(ctx);
    const sessionId = (await ctx.api.orm.em.fork().findOneOrFail(RefreshToken, { customer: customer.id })).familyId;
    const auth = ctx.api.config.auth;
    const key = new TextEncoder().encode(auth.jwtSecret);
    const [header, payload] = session.access_token.split('.');

    const expired = await signAccessToken(auth, { customerId: customer.id, sessionId }, new Date(Date.now() - auth.accessTokenTtlMs - 60_000));
    const forged = await signAccessToken({ ...auth, jwtSecret: 'another-secret-that-is-long-enough-123' }, { customerId: customer.id, sessionId });
    const wrongType = await new SignJWT({ typ: 'refresh', sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(customer.id).setIssuer('webmagic').setAudience('webmagic:customer').setIssuedAt().setExpirationTime('5m').sign(key);
    const unsigned = `${header}.${payload}.`;
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;

    const cases: [Record<string, string>, string][] = [
      [{}, 'unauthorized'],
      [{ authorization: session.access_token }, 'unauthorized'],
      [{ authorization: `Basic ${Buffer.from('ana:pw').toString('base64')}` }, 'unauthorized'],
      [{ authorization: 'Bearer ' }, 'unauthorized'],
      [{ authorization: 'Bearer garbage' }, 'invalid_access_token'],
      [{ authorization: `Bearer ${expired}` }, 'access_token_expired'],
      [{ authorization: `Bearer ${forged}` }, 'invalid_access_token'],
      [{ authorization: `Bearer ${wrongType}` }, 'invalid_access_token'],
      [{ authorization: `Bearer ${unsigned}` }, 'invalid_access_token'],
      [{ authorization: `Bearer ${noneAlg}` }, 'invalid_access_token'],
      [{ authorization: `Bearer ${session.refresh_token}` }, 'invalid_access_token'],
    ];
    for (const [headers, error] of cases) {
      const res = await call(ctx, 'GET', '/me', { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ error });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="webmagic"/);
    }
    for (const [method, path, body] of [['PUT', '/profile', { full_name: 'X' }], ['POST', '/change-password', { current_password: PASSWORD, new_password: 'Brand-new-pass-1' }]] as const) {
      expect((await call(ctx, method, path, { body })).statusCode).toBe(401);
    }
  });

  it('stops accepting the token of an account once it is deactivated', async () => {
    await createCustomer(ctx);
    const session = await login(ctx);
    await ctx.api.orm.em.fork().nativeUpdate(CustomerUser, {}, { isActive: false });
    expect((await me(session.access_token)).statusCode).toBe(401);
  });
});

describe('GET /customer/me', () => {
  async function giveSites(customerId: string, slugs: string[], primary: string) {
    const em = ctx.api.orm.em.fork();
    const business = em.create(Business, { name: 'Biz', category: 'plumber' });
    for (const slug of slugs) {
      const site = em.create(Site, { slug, business, title: `Title ${slug}`, status: 'owned', purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
      em.create(CustomerSiteOwnership, { customer: customerId, site, isPrimary: slug === primary, acquiredAt: new Date() });
    }
    await em.flush();
  }

  it('returns the profile with the number of owned sites and the primary site', async () => {
    const customer = await createCustomer(ctx);
    await giveSites(customer.id, ['first-site', 'second-site'], 'second-site');
    const other = await createCustomer(ctx, { email: 'bob@example.com' });
    await giveSites(other.id, ['bobs-site'], 'bobs-site');

    const res = await me((await login(ctx)).access_token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: customer.id,
      email: 'ana@example.com',
      full_name: 'Ana Pérez',
      phone: null,
      email_verified: true,
      has_password: true,
      owned_sites_count: 2,
      primary_site: { slug: 'second-site', site_title: 'Title second-site', site_url: 'http://webmagic.test/sites/second-site', status: 'owned' },
    });
    expect(res.json()).not.toHaveProperty('password_hash');
    expect(res.body).not.toContain('argon2');
  });
});

describe('PUT /customer/profile', () => {
  it('changes the name and phone, and removes the phone with null', async () => {
    await createCustomer(ctx);
    const { access_token } = await login(ctx);
    const updated = await call(ctx, 'PUT', '/profile', { token: access_token, body: { full_name: '  Ana María Pérez ', phone: '+1 (512) 555-0187' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ full_name: 'Ana María Pérez', phone: '+1 (512) 555-0187' });

    const cleared = await call(ctx, 'PUT', '/profile', { token: access_token, body: { phone: null } });
    expect(cleared.json()).toMatchObject({ full_name: 'Ana María Pérez', phone: null });
    expect(await ctx.api.orm.em.fork().findOneOrFail(CustomerUser, { email: 'ana@example.com' })).toMatchObject({ fullName: 'Ana María Pérez', phone: null });
  });

  it('refuses unknown fields (email, password, flags), wrong types and empty bodies, changing nothing', async () => {
    await createCustomer(ctx);
    const { access_token } = await login(ctx);
    const before = await accountTables(ctx);
    for (const body of [
      {},
      { email: 'evil@example.com' },
      { full_name: 'Ana', is_active: false },
      { full_name: 'Ana', email_verified_at: null },
      { full_name: 42 },
      { full_name: '' },
      { full_name: '   ' },
      { full_name: 'x'.repeat(201) },
      { phone: 5125550187 },
      { phone: 'call me maybe' },
    ]) {
      const res = await call(ctx, 'PUT', '/profile', { token: access_token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await accountTables(ctx)).toBe(before);
  });
});
