import { describe, expect, it } from 'vitest';
import { CustomerUser, EmailMessage, OneTimeToken } from '../../../db/entities/index.js';
import { accountTables, call, createCustomer, failure, linkFromEmail, login, PASSWORD, tokenRows, useCustomerApi } from './support.js';

const ctx = useCustomerApi();

const NEW_ACCOUNT = { email: 'Ana@Example.COM', password: PASSWORD, full_name: 'Ana Pérez', phone: '+502 5555-1234' };

async function customers() {
  return ctx.api.orm.em.fork().find(CustomerUser, {});
}

describe('POST /customer/register', () => {
  it('creates an unverified account with the email lower-cased and emails a confirmation link', async () => {
    const res = await call(ctx, 'POST', '/register', { body: NEW_ACCOUNT });
    expect(res.statusCode).toBe(202);
    expect(Object.keys(res.json<object>())).toEqual(['message']);
    expect(res.json<{ message: string }>().message).toContain('link');

    const [customer, ...others] = await customers();
    expect(others).toHaveLength(0);
    expect(customer).toMatchObject({ email: 'ana@example.com', fullName: 'Ana Pérez', phone: '+502 5555-1234', emailVerifiedAt: null, isActive: true });
    expect(customer?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(customer?.passwordHash).not.toContain(PASSWORD);

    const { token, message } = await linkFromEmail(ctx, 'ana@example.com', 'verify_email');
    expect(message).toMatchObject({ To: 'ana@example.com', Subject: 'Confirm your email address' });
    expect(message.HtmlBody).toContain(`http://webmagic.test/account/verify-email?token=${token}`);
    const [row] = await tokenRows(ctx, 'ana@example.com', 'verify_email');
    expect(row?.tokenHash).not.toBe(token);
    const lifetime = row!.expiresAt.getTime() - row!.createdAt.getTime();
    expect(Math.abs(lifetime - 24 * 3_600_000)).toBeLessThan(1000);
  });

  it('lets the owner log in only after confirming the address', async () => {
    await call(ctx, 'POST', '/register', { body: NEW_ACCOUNT });
    const early = await call(ctx, 'POST', '/login', { body: { email: 'ana@example.com', password: PASSWORD } });
    expect(early.statusCode).toBe(403);
    expect(early.json()).toMatchObject({ error: 'email_not_verified' });

    const { token } = await linkFromEmail(ctx, 'ana@example.com', 'verify_email');
    const verified = await call(ctx, 'POST', '/verify-email', { body: { token, password: PASSWORD } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ status: 'email_verified' });

    const session = await login(ctx, 'ANA@example.com');
    expect(session.user).toMatchObject({ email: 'ana@example.com', email_verified: true, has_password: true });
  });

  it('answers a taken address exactly like a new one and emails the owner a reset link instead', async () => {
    await createCustomer(ctx, { email: 'ana@example.com' });
    const fresh = await call(ctx, 'POST', '/register', { body: { ...NEW_ACCOUNT, email: 'new@example.com' } });
    const taken = await call(ctx, 'POST', '/register', { body: { ...NEW_ACCOUNT, password: 'Other-password-9', full_name: 'Mallory' } });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.json()).toEqual(fresh.json());

    const accounts = await customers();
    expect(accounts.map((c) => c.email).sort()).toEqual(['ana@example.com', 'new@example.com']);
    expect(accounts.find((c) => c.email === 'ana@example.com')?.fullName).toBe('Ana Pérez');
    expect(await tokenRows(ctx, 'ana@example.com', 'verify_email')).toHaveLength(0);
    const { message } = await linkFromEmail(ctx, 'ana@example.com', 'reset_password');
    expect(message.Subject).toBe('Reset your WebMagic password');

    // The squatter's password does not open the account; the owner's still does.
    expect((await call(ctx, 'POST', '/login', { body: { email: 'ana@example.com', password: 'Other-password-9' } })).statusCode).toBe(401);
    await login(ctx);
  });

  it('refuses a malformed email address', async () => {
    for (const email of ['not-an-email', 'ana@', '@example.com', 'ana example@example.com', '']) {
      const res = await call(ctx, 'POST', '/register', { body: { ...NEW_ACCOUNT, email } });
      expect(res.statusCode, email).toBe(400);
      expect(failure(res).error).toBe('validation_failed');
      expect(failure(res).message).toContain('email');
    }
    expect(await customers()).toHaveLength(0);
  });

  it('refuses a weak password and says what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['Short-1', /at least 10 characters/],
      ['alllowercaseletters', /two kinds of characters/],
      ['12345678901234', /two kinds of characters/],
      ['ana@example.com', /email address/],
      ['Ana@Example.com1', /email address/],
      ['', /at least 10 characters/],
    ];
    for (const [password, problem] of cases) {
      const res = await call(ctx, 'POST', '/register', { body: { ...NEW_ACCOUNT, password } });
      expect(res.statusCode, password).toBe(400);
      const body = res.json<{ error: string; message: string; problems: string[] }>();
      expect(body.error).toBe('weak_password');
      expect(body.message).toMatch(problem);
      expect(body.problems.length).toBeGreaterThan(0);
    }
    expect(await customers()).toHaveLength(0);
  });

  it('refuses unknown fields, wrong types and missing fields, and stores nothing', async () => {
    const before = await accountTables(ctx);
    const bodies: unknown[] = [
      { ...NEW_ACCOUNT, is_admin: true },
      { ...NEW_ACCOUNT, email_verified_at: '2020-01-01T00:00:00Z' },
      { ...NEW_ACCOUNT, password: 1234567890123 },
      { ...NEW_ACCOUNT, full_name: ['Ana'] },
      { ...NEW_ACCOUNT, full_name: 'Ana\nBcc: x@example.com' },
      { ...NEW_ACCOUNT, phone: 5551234 },
      { email: NEW_ACCOUNT.email, password: PASSWORD },
      [NEW_ACCOUNT],
      null,
    ];
    for (const body of bodies) {
      const res = await call(ctx, 'POST', '/register', { body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(/^(validation_failed|invalid_json)$/);
    }
    expect(await accountTables(ctx)).toBe(before);
  });
});

describe('POST /customer/verify-email', () => {
  async function registered() {
    await call(ctx, 'POST', '/register', { body: NEW_ACCOUNT });
    return (await linkFromEmail(ctx, 'ana@example.com', 'verify_email')).token;
  }

  it('works once: a reused link is refused', async () => {
    const token = await registered();
    expect((await call(ctx, 'POST', '/verify-email', { body: { token, password: PASSWORD } })).statusCode).toBe(200);
    const again = await call(ctx, 'POST', '/verify-email', { body: { token, password: PASSWORD } });
    expect(again.statusCode).toBe(400);
    expect(failure(again).error).toBe('invalid_token');
    expect(failure(again).message).toMatch(/already been used/);
  });

  it('refuses an expired link and leaves the address unconfirmed', async () => {
    const token = await registered();
    await ctx.api.orm.em.fork().nativeUpdate(OneTimeToken, { purpose: 'verify_email' }, { expiresAt: new Date(Date.now() - 1000) });
    const res = await call(ctx, 'POST', '/verify-email', { body: { token, password: PASSWORD } });
    expect(res.statusCode).toBe(400);
    expect(failure(res).error).toBe('invalid_token');
    expect(failure(res).message).toMatch(/expired/);
    expect((await customers())[0]?.emailVerifiedAt).toBeNull();
  });

  it('refuses a tampered link, a link of another kind and a malformed body', async () => {
    const token = await registered();
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const body of [{ token: tampered, password: PASSWORD }, { token: `${token}x`, password: PASSWORD }, { token: 'x', password: PASSWORD }]) {
      const res = await call(ctx, 'POST', '/verify-email', { body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_token' });
    }
    await call(ctx, 'POST', '/forgot-password', { body: { email: 'ana@example.com' } });
    const reset = await linkFromEmail(ctx, 'ana@example.com', 'reset_password');
    expect((await call(ctx, 'POST', '/verify-email', { body: { token: reset.token, password: PASSWORD } })).json()).toMatchObject({ error: 'invalid_token' });

    const before = await accountTables(ctx);
    for (const body of [{}, { token }, { token: 42, password: PASSWORD }, { token, password: PASSWORD, extra: 1 }]) {
      const res = await call(ctx, 'POST', '/verify-email', { body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await accountTables(ctx)).toBe(before);
    expect((await customers())[0]?.emailVerifiedAt).toBeNull();
  });
});

describe('POST /customer/resend-verification', () => {
  it('emails a new link to an unconfirmed account; the newest link works', async () => {
    await call(ctx, 'POST', '/register', { body: NEW_ACCOUNT });
    const first = await linkFromEmail(ctx, 'ana@example.com', 'verify_email');
    const res = await call(ctx, 'POST', '/resend-verification', { body: { email: 'ANA@example.com' } });
    expect(res.statusCode).toBe(202);
    const second = await linkFromEmail(ctx, 'ana@example.com', 'verify_email');
    expect(second.token).not.toBe(first.token);
    expect((await call(ctx, 'POST', '/verify-email', { body: { token: second.token, password: PASSWORD } })).statusCode).toBe(200);
    // Confirming voids the other outstanding link.
    expect((await call(ctx, 'POST', '/verify-email', { body: { token: first.token, password: PASSWORD } })).statusCode).toBe(400);
  });

  it('answers the same for unknown and already confirmed addresses, and sends nothing', async () => {
    await createCustomer(ctx, { email: 'done@example.com' });
    const unknown = await call(ctx, 'POST', '/resend-verification', { body: { email: 'nobody@example.com' } });
    const confirmed = await call(ctx, 'POST', '/resend-verification', { body: { email: 'done@example.com' } });
    expect(unknown.statusCode).toBe(202);
    expect(confirmed.statusCode).toBe(202);
    expect(unknown.json()).toEqual(confirmed.json());
    expect(await ctx.api.orm.em.fork().count(OneTimeToken, {})).toBe(0);
    expect(await ctx.api.orm.em.fork().count(EmailMessage, {})).toBe(0);
  });

  it('refuses a malformed address', async () => {
    for (const body of [{ email: 'nope' }, { email: 7 }, { email: 'a@example.com', name: 'x' }, {}]) {
      const res = await call(ctx, 'POST', '/resend-verification', { body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
  });
});
