import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyAgainstNothing, verifyPassword, hashPassword } from '../../../lib/auth/passwords.js';
import type { AppConfig, RateLimit } from '../../../lib/config.js';
import { AuthError, ForbiddenError, ValidationError } from '../../../lib/errors.js';
import { assertNotBackingOff, clearFailures, countAttempt, LimitKeys, recordFailure } from '../../auth/rate-limit.js';
import { endSession, rotateSession, startSession, type SessionTokens } from '../../auth/sessions.js';
import { readCookie } from '../../auth/cookies.js';
import { assertUsableOneTimeToken } from '../../../db/one-time-tokens.js';
import {
  AcceptedResponse,
  DoneResponse,
  EmailBody,
  LoginBody,
  NoContent,
  RefreshBody,
  RegisterBody,
  SessionResponse,
  TokenPasswordBody,
  VerifyEmailBody,
} from '../../schemas/customer.js';
import { errorResponses } from '../../schemas/common.js';
import {
  assertStrongPassword, confirmEmail, customerProfile, findCustomerByEmail, registerCustomer, resendVerification, sendPasswordReset, setPasswordWithToken, signIn,
} from '../../services/accounts.js';

const LINK_SENT = 'If the address can receive our email, a message with a link is on its way. Check your inbox.';

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}


/** Counts a request that sends email, per client address and per email address; every request counts. */
async function countEmailRequest(keys: LimitKeys, request: FastifyRequest, reply: FastifyReply, limit: RateLimit, kind: string, email: string): Promise<void> {
  await countAttempt(request.em, reply, keys.address(`${kind}-ip`, request.ip), { max: limit.perIp, windowMs: limit.windowMs }, 'from this address');
  await countAttempt(request.em, reply, keys.key(`${kind}-email`, email), { max: limit.perEmail, windowMs: limit.windowMs }, 'for this email address');
}

/**
 * Runs `work` after the answer has been sent, so the answer takes the same time whatever the work finds (e.g.
 * whether an account exists). Failures are logged; the caller has already been told the request was accepted.
 */
function afterAnswer(request: FastifyRequest, reply: FastifyReply, work: () => Promise<void>): void {
  reply.raw.once('finish', () => {
    work().catch((error: unknown) => request.log.error({ err: error, reqId: request.id }, 'work after the answer failed'));
  });
}

/** Name of the portal's refresh-token cookie. */
export const REFRESH_COOKIE = 'wm_refresh';
const REFRESH_COOKIE_PATH = '/api/v1/customer';

/**
 * True when the client asked to keep its refresh token in an HttpOnly cookie (the portal does). The custom header
 * cannot be sent cross-site without a CORS preflight, which this API never grants, so it also guards the
 * cookie-authenticated refresh and logout against CSRF.
 */
function wantsCookie(request: FastifyRequest): boolean {
  return request.headers['x-webmagic-session'] === 'cookie';
}

/** The refresh token of a refresh or logout: from the body, else (portal only) from the cookie. */
function presentedRefreshToken(request: FastifyRequest, body: { refresh_token?: string | undefined }): string | undefined {
  return body.refresh_token ?? (wantsCookie(request) ? readCookie(request, REFRESH_COOKIE) : undefined);
}

async function sessionAnswer(config: AppConfig, em: FastifyRequest['em'], customer: FastifyRequest['customer'], tokens: SessionTokens, request?: FastifyRequest, reply?: FastifyReply) {
  const cookie = request !== undefined && reply !== undefined && wantsCookie(request);
  if (cookie) {
    reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
      httpOnly: true, secure: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH, expires: new Date(Date.now() + config.auth.refreshTokenTtlMs),
    });
  }
  return {
    access_token: tokens.accessToken,
    ...(cookie ? {} : { refresh_token: tokens.refreshToken }),
    token_type: 'bearer' as const,
    expires_in: tokens.expiresIn,
    user: await customerProfile(config, em, customer),
  };
}

/** Customer accounts, before sign-in: registration, sessions and the emailed links. */
export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const { login: loginLimit, authEmail: emailLimit } = config.auth.rateLimits;
  const keys = LimitKeys.from(config);
  const tags = ['customer'];

  app.post('/register', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Create an account; a link to confirm the email address is emailed',
      description: 'Answers 202 whether or not the address already has an account; an existing owner is emailed a sign-in (password reset) link instead.',
      body: RegisterBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(keys, request, reply, emailLimit, 'register', email);
    assertStrongPassword(request.body.password, email);
    // Hash before looking the address up, so a taken address answers as slowly as a new one.
    const passwordHash = await hashPassword(request.body.password);
    // A taken address answers the same 202 (saying so would tell anyone which addresses have accounts); its owner hears about it by email.
    await registerCustomer(app.deps, request.em, { email, passwordHash, fullName: request.body.full_name.trim(), phone: request.body.phone ?? null });
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/login', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Log in with email and password',
      body: LoginBody,
      response: { 200: SessionResponse, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    const em = request.em;
    const limits = keys.signIn(loginLimit, 'login', email, request.ip);
    await assertNotBackingOff(em, reply, limits);
    const customer = await findCustomerByEmail(em, email);
    const hash = customer?.passwordHash;
    const matches = hash ? await verifyPassword(hash, request.body.password) : await verifyAgainstNothing(request.body.password);
    // Unknown address, no password yet, wrong password and deactivated account all look the same from outside.
    if (!customer || !matches || !customer.isActive) {
      await recordFailure(em, limits);
      throw new AuthError('invalid_credentials', 'The email address or password is incorrect');
    }
    await clearFailures(em, [limits[1]!.key]);
    // Purchases attach sites to the account with the buyer's email, so an account nobody has proven the inbox of
    // must not be usable: whoever registered it first could otherwise see the real owner's sites later.
    if (!customer.emailVerifiedAt) {
      throw new ForbiddenError('email_not_verified', 'Confirm your email address first: use the link we emailed you, or ask for a new one');
    }
    const tokens = await signIn(em, config, customer, request.body.password);
    return sessionAnswer(config, em, customer, tokens, request, reply);
  });

  app.post('/refresh', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Trade a refresh token for a new access and refresh token',
      description: 'Each refresh token works once. Presenting a used one ends its whole session (401 refresh_token_reused).',
      body: RefreshBody,
      response: { 200: SessionResponse, ...errorResponses(400, 401) },
    },
  }, async (request, reply) => {
    const presented = presentedRefreshToken(request, request.body);
    if (!presented && !wantsCookie(request)) throw new ValidationError('validation_failed', 'body must have required property \'refresh_token\'');
    if (!presented) throw new AuthError('invalid_refresh_token', 'No refresh-token cookie: sign in again');
    const { tokens, customer } = await rotateSession(request.em, config.auth, presented);
    return sessionAnswer(config, request.em, customer, tokens, request, reply);
  });

  app.post('/logout', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'End the session of a refresh token',
      description: 'Works without an access token (it may have expired); an unknown or already revoked token also answers 204.',
      body: RefreshBody,
      response: { 204: NoContent, ...errorResponses(400) },
    },
  }, async (request, reply) => {
    const presented = presentedRefreshToken(request, request.body);
    if (presented) await endSession(request.em, presented);
    if (wantsCookie(request)) reply.clearCookie(REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
    return reply.status(204).send(null);
  });

  app.post('/verify-email', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Confirm the email address with the emailed link and the account\'s password',
      description: 'The password proves that whoever confirms the address also chose the password it unlocks: '
        + 'someone who registered another person\'s address cannot have it confirmed by that person. Without the password, use forgot-password.',
      body: VerifyEmailBody,
      response: { 200: DoneResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const em = request.em;
    const owner = await assertUsableOneTimeToken(em, request.body.token, 'verify_email');
    const limits = keys.signIn(loginLimit, 'verify-email', owner.id, request.ip);
    await assertNotBackingOff(em, reply, limits);
    const matches = owner.passwordHash ? await verifyPassword(owner.passwordHash, request.body.password) : false;
    if (!matches) {
      await recordFailure(em, limits);
      throw new ValidationError('wrong_password', 'Enter the password of this account to confirm the address. If you did not choose it, use "forgot password" instead.');
    }
    await confirmEmail(em, request.body.token);
    return { status: 'email_verified', message: 'Your email address is confirmed. You can log in now.' };
  });

  app.post('/resend-verification', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Email a new confirmation link',
      description: 'Answers 202 whatever the address: unknown, already confirmed or pending. The address is looked up after answering, so the answer takes as long either way.',
      body: EmailBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(keys, request, reply, emailLimit, 'resend-verification', email);
    afterAnswer(request, reply, () => resendVerification(app.deps, request.em, email));
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/forgot-password', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Email a link to choose a new password (valid 1 hour)',
      description: 'Answers 202 whether or not the address has an account. The address is looked up after answering, so the answer takes as long either way.',
      body: EmailBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(keys, request, reply, emailLimit, 'forgot-password', email);
    afterAnswer(request, reply, () => sendPasswordReset(app.deps, request.em, email));
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/reset-password', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Choose a new password with the emailed reset link; logs in',
      description: 'Ends every other session of the account.',
      body: TokenPasswordBody,
      response: { 200: SessionResponse, ...errorResponses(400) },
    },
  }, async (request, reply) => {
    const customer = await setPasswordWithToken(request.em, request.body.token, 'reset_password', request.body.password);
    return sessionAnswer(config, request.em, customer, await startSession(request.em, config.auth, customer), request, reply);
  });

  app.post('/set-password', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Set the first password with the link emailed after a purchase (valid 7 days); logs in',
      body: TokenPasswordBody,
      response: { 200: SessionResponse, ...errorResponses(400) },
    },
  }, async (request, reply) => {
    const customer = await setPasswordWithToken(request.em, request.body.token, 'set_password', request.body.password);
    return sessionAnswer(config, request.em, customer, await startSession(request.em, config.auth, customer), request, reply);
  });
};
