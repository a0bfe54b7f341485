import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { queueEmail } from '../../../api/email.js';
import { CustomerUser, EmailMessage, OneTimeToken, RefreshToken } from '../../../db/entities/index.js';
import { prepareWelcomeSetPasswordEmail, withMintedLink } from '../../../db/one-time-tokens.js';
import {
  accountTables,
  call,
  createCustomer,
  deliveredEmail,
  failure,
  linkFromEmail,
  login,
  PASSWORD,
  tokenInLink,
  tokenRows,
  useCustomerApi,
  type Session,
} from './support.js';
import { eventually } from '../../helpers/eventually.js';

const ctx = useCustomerApi();
const NEW_PASSWORD = 'Fresh-start-2024';

async function forgot(email = 'ana@example.com') {
  return call(ctx, 'POST', '/forgot-password', { body: { email } });
}

async function resetLink() {
  expect((await forgot()).statusCode).toBe(202);
  return (await linkFromEmail(ctx, 'ana@example.com', 'reset_password')).token;
}

async function loginStatus(password: string, email = 'ana@example.com') {
  return (await call(ctx, 'POST', '/login', { body: { email, password } })).statusCode;
}

describe('POST /customer/forgot-password', () => {
  it('emails a one-hour reset link to an existing account', async () => {
    await createCustomer(ctx);
    const res = await forgot('Ana@Example.com');
    expect(res.statusCode).toBe(202);
    const { token, message } = await linkFromEmail(ctx, 'ana@example.com', 'reset_password');
    expect(message).toMatchObject({ To: 'ana@example.com', Subject: 'Reset your WebMagic password' });
    expect(message.TextBody).toContain(`http://webmagic.test/account/reset-password?token=${token}`);
    expect(message.TextBody).toContain('expires in 1 hour');

    const [row] = await tokenRows(ctx, 'ana@example.com', 'reset_password');
    const lifetime = row!.expiresAt.getTime() - row!.createdAt.getTime();
    expect(Math.abs(lifetime - 3_600_000)).toBeLessThan(1000);
    // Postmark has the message a moment before the log records that it was sent.
    const log = await eventually(() => ctx.api.orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: String(message.Metadata.idempotency_key) }), (row) => row.status === 'sent');
    expect(log).toMatchObject({ status: 'sent', template: 'password_reset', toAddress: 'ana@example.com' });
    // The log keeps the link, never its token.
    expect(log.model.resetUrl).toBe('http://webmagic.test/account/reset-password?token=[redacted]');
    expect(JSON.stringify(log.model)).not.toContain(token);
  });

  it('answers an unknown or deactivated address exactly the same and sends nothing', async () => {
    await createCustomer(ctx, { email: 'gone@example.com', isActive: false });
    await createCustomer(ctx);
    const known = await forgot('ana@example.com');
    const unknown = await forgot('nobody@example.com');
    const inactive = await forgot('gone@example.com');
    expect([unknown.statusCode, inactive.statusCode]).toEqual([known.statusCode, known.statusCode]);
    expect(unknown.json()).toEqual(known.json());
    expect(inactive.json()).toEqual(known.json());
    await linkFromEmail(ctx, 'ana@example.com', 'reset_password');
    expect(await ctx.api.orm.em.fork().count(OneTimeToken, {})).toBe(1);
    expect(ctx.stack.postmark.sent().map((m) => m.To)).toEqual(['ana@example.com']);
  });

  it('sends exactly one email when Postmark fails twice and then recovers', async () => {
    await createCustomer(ctx);
    ctx.stack.postmark.failNext(2, 500);
    expect((await forgot()).statusCode).toBe(202);
    const { idempotencyKey: key } = await linkFromEmail(ctx, 'ana@example.com', 'reset_password');
    const message = await deliveredEmail(ctx, key);

    expect(ctx.stack.postmark.sent()).toHaveLength(1);
    const logs = await ctx.api.orm.em.fork().find(EmailMessage, {});
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ idempotencyKey: key, status: 'sent', attempts: 3, error: null, providerMessageId: message.MessageID });
    expect((await call(ctx, 'POST', '/reset-password', { body: { token: tokenInLink(message.TextBody ?? ''), password: NEW_PASSWORD } })).statusCode).toBe(200);
  });

  it('refuses a malformed address', async () => {
    for (const body of [{ email: 'ana' }, { email: null }, {}, { email: 'ana@example.com', redirect: 'http://evil.example' }]) {
      const res = await call(ctx, 'POST', '/forgot-password', { body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await ctx.api.orm.em.fork().count(OneTimeToken, {})).toBe(0);
  });
});

describe('POST /customer/reset-password', () => {
  it('sets the new password, logs in, ends every other session and voids other reset links', async () => {
    await createCustomer(ctx);
    const oldSession = await login(ctx);
    const olderLink = await resetLink();
    const token = await resetLink();
    expect(token).not.toBe(olderLink);

    const res = await call(ctx, 'POST', '/reset-password', { body: { token, password: NEW_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const session = res.json<Session>();
    expect(session).toMatchObject({ token_type: 'bearer', user: { email: 'ana@example.com' } });
    expect((await call(ctx, 'GET', '/me', { token: session.access_token })).statusCode).toBe(200);

    expect(await loginStatus(PASSWORD)).toBe(401);
    expect(await loginStatus(NEW_PASSWORD)).toBe(200);
    expect((await call(ctx, 'POST', '/refresh', { body: { refresh_token: oldSession.refresh_token } })).statusCode).toBe(401);
    expect((await call(ctx, 'GET', '/me', { token: oldSession.access_token })).statusCode).toBe(401);
    const older = await call(ctx, 'POST', '/reset-password', { body: { token: olderLink, password: 'Yet-another-pass-3' } });
    expect(older.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('confirms the email address of an unverified account (the link proves the inbox)', async () => {
    await createCustomer(ctx, { verified: false });
    expect(await loginStatus(PASSWORD)).toBe(403);
    const token = await resetLink();
    const res = await call(ctx, 'POST', '/reset-password', { body: { token, password: NEW_PASSWORD } });
    expect(res.json<Session>().user).toMatchObject({ email_verified: true });
  });

  it('refuses a reused, expired or tampered link', async () => {
    await createCustomer(ctx);
    const token = await resetLink();
    expect((await call(ctx, 'POST', '/reset-password', { body: { token, password: NEW_PASSWORD } })).statusCode).toBe(200);
    const reused = await call(ctx, 'POST', '/reset-password', { body: { token, password: 'Yet-another-pass-3' } });
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ error: 'invalid_token' });

    const expiring = await resetLink();
    await ctx.api.orm.em.fork().nativeUpdate(OneTimeToken, { usedAt: null }, { expiresAt: new Date(Date.now() - 1) });
    const expired = await call(ctx, 'POST', '/reset-password', { body: { token: expiring, password: 'Yet-another-pass-3' } });
    expect(failure(expired)).toMatchObject({ error: 'invalid_token' });
    expect(failure(expired).message).toMatch(/expired/);

    const fresh = await resetLink();
    const tampered = `${fresh.slice(0, 10)}${fresh[10] === 'x' ? 'y' : 'x'}${fresh.slice(11)}`;
    const bad = await call(ctx, 'POST', '/reset-password', { body: { token: tampered, password: 'Yet-another-pass-3' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_token' });
    expect(await loginStatus(NEW_PASSWORD)).toBe(200);
  });

  it('keeps the link usable when the new password is weak or the body is malformed', async () => {
    await createCustomer(ctx);
    const token = await resetLink();
    const before = await accountTables(ctx);
    const weak = await call(ctx, 'POST', '/reset-password', { body: { token, password: 'ana@example.com' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ error: 'weak_password' });
    for (const body of [{ token }, { token, password: 12345678901 }, { token, password: NEW_PASSWORD, email: 'x@example.com' }]) {
      const res = await call(ctx, 'POST', '/reset-password', { body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await accountTables(ctx)).toBe(before);
    expect((await call(ctx, 'POST', '/reset-password', { body: { token, password: NEW_PASSWORD } })).statusCode).toBe(200);
  });
});

describe('POST /customer/set-password', () => {
  // Keys are unique per test: the Temporal server outlives the per-test database reset.
  async function welcome(key = `welcome:${randomUUID()}`, fullName = 'Joe Owner') {
    const customer = await createCustomer(ctx, { email: 'owner@example.com', password: null, verified: false, fullName });
    const input = await prepareWelcomeSetPasswordEmail(ctx.api.orm.em.fork(), ctx.api.config, { customerId: customer.id, siteTitle: "Plumber Joe's", idempotencyKey: key });
    await queueEmail(ctx.api, input);
    const message = await deliveredEmail(ctx, key);
    return { customer, input, message, token: tokenInLink(message.TextBody ?? '') };
  }

  it('lets a new owner choose a password from the welcome email and logs them in, verified', async () => {
    const { message, token } = await welcome();
    expect(message).toMatchObject({ To: 'owner@example.com', Subject: "Welcome to WebMagic: Plumber Joe's is yours" });
    expect(message.TextBody).toContain('http://webmagic.test/account/set-password?token=');
    const [row] = await tokenRows(ctx, 'owner@example.com', 'set_password');
    const lifetime = row!.expiresAt.getTime() - row!.createdAt.getTime();
    expect(Math.abs(lifetime - 7 * 86_400_000)).toBeLessThan(1000);

    const res = await call(ctx, 'POST', '/set-password', { body: { token, password: NEW_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json<Session>().user).toMatchObject({ email: 'owner@example.com', email_verified: true, has_password: true });
    expect(await loginStatus(NEW_PASSWORD, 'owner@example.com')).toBe(200);

    const again = await call(ctx, 'POST', '/set-password', { body: { token, password: 'Yet-another-pass-3' } });
    expect(again.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('sends the welcome of a paid purchase even to a name stored with a line break before the API refused one', async () => {
    const { message, token } = await welcome(`welcome:${randomUUID()}`, 'Joe\r\nBcc: someone@example.com');
    expect(message).toMatchObject({ To: 'owner@example.com', Subject: "Welcome to WebMagic: Plumber Joe's is yours" });
    expect(message.TextBody).toContain('Joe Bcc: someone@example.com');
    expect(message.Bcc ?? '').toBe('');
    expect((await call(ctx, 'POST', '/set-password', { body: { token, password: NEW_PASSWORD } })).statusCode).toBe(200);
  });

  it('mints the same link when the sending step runs again (a retried activity), and sends one email', async () => {
    const { input, token } = await welcome();
    expect(JSON.stringify(input)).not.toContain('token=');
    const minted = await withMintedLink(ctx.api.orm.em.fork(), ctx.api.config, input);
    expect(minted.model).toMatchObject({ setPasswordUrl: `http://webmagic.test/account/set-password?token=${token}` });
    await queueEmail(ctx.api, input);
    expect(await tokenRows(ctx, 'owner@example.com', 'set_password')).toHaveLength(1);
    expect(ctx.stack.postmark.sent()).toHaveLength(1);
  });

  it('refuses a reset link, an expired link and a tampered one', async () => {
    const { token } = await welcome();
    await call(ctx, 'POST', '/forgot-password', { body: { email: 'owner@example.com' } });
    const reset = await linkFromEmail(ctx, 'owner@example.com', 'reset_password');
    expect((await call(ctx, 'POST', '/set-password', { body: { token: reset.token, password: NEW_PASSWORD } })).json()).toMatchObject({ error: 'invalid_token' });
    expect((await call(ctx, 'POST', '/set-password', { body: { token: token.toUpperCase(), password: NEW_PASSWORD } })).json()).toMatchObject({ error: 'invalid_token' });
    await ctx.api.orm.em.fork().nativeUpdate(OneTimeToken, { purpose: 'set_password' }, { expiresAt: new Date(Date.now() - 1) });
    expect((await call(ctx, 'POST', '/set-password', { body: { token, password: NEW_PASSWORD } })).json()).toMatchObject({ error: 'invalid_token' });
    expect((await ctx.api.orm.em.fork().findOneOrFail(CustomerUser, { email: 'owner@example.com' })).passwordHash).toBeNull();
  });
});

describe('POST /customer/change-password', () => {
  it('needs the current password, then keeps this session and ends the others', async () => {
    await createCustomer(ctx);
    const current = await login(ctx);
    const other = await login(ctx);
    const res = await call(ctx, 'POST', '/change-password', { token: current.access_token, body: { current_password: PASSWORD, new_password: NEW_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'password_changed' });

    expect(await loginStatus(PASSWORD)).toBe(401);
    expect(await loginStatus(NEW_PASSWORD)).toBe(200);
    expect((await call(ctx, 'GET', '/me', { token: current.access_token })).statusCode).toBe(200);
    expect((await call(ctx, 'POST', '/refresh', { body: { refresh_token: current.refresh_token } })).statusCode).toBe(200);
    expect((await call(ctx, 'GET', '/me', { token: other.access_token })).statusCode).toBe(401);
    expect((await call(ctx, 'POST', '/refresh', { body: { refresh_token: other.refresh_token } })).statusCode).toBe(401);
  });

  it('refuses a wrong current password, a weak new one and malformed bodies, changing nothing', async () => {
    await createCustomer(ctx);
    const { access_token } = await login(ctx);
    const before = await accountTables(ctx);
    const wrong = await call(ctx, 'POST', '/change-password', { token: access_token, body: { current_password: 'Not-my-password-1', new_password: NEW_PASSWORD } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'wrong_password' });
    const weak = await call(ctx, 'POST', '/change-password', { token: access_token, body: { current_password: PASSWORD, new_password: 'password' } });
    expect(weak.statusCode).toBe(400);
    expect(failure(weak).error).toBe('weak_password');
    expect(failure(weak).problems?.join(' ')).toMatch(/10 characters/);
    for (const body of [{ new_password: NEW_PASSWORD }, { current_password: PASSWORD, new_password: NEW_PASSWORD, logout_others: false }, { current_password: PASSWORD, new_password: true }]) {
      const res = await call(ctx, 'POST', '/change-password', { token: access_token, body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    }
    expect(await accountTables(ctx)).toBe(before);
    expect(await ctx.api.orm.em.fork().count(RefreshToken, { revokedAt: null })).toBe(1);
  });
});
