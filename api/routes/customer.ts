import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import type { OneTimeTokenPurpose } from '../../db/entities/one-time-token.entity.js';
import {
  assertUsableOneTimeToken,
  consumeOneTimeToken,
  passwordResetMessage,
  verifyEmailMessage,
  voidOneTimeTokens,
} from '../../db/one-time-tokens.js';
import {
  describePasswordProblems,
  hashPassword,
  needsRehash,
  passwordProblems,
  verifyAgainstNothing,
  verifyPassword,
} from '../../lib/auth/passwords.js';
import type { AppConfig, RateLimit } from '../../lib/config.js';
import { AuthError, ForbiddenError, ValidationError } from '../../lib/errors.js';
import { siteUrl } from '../../lib/urls.js';
import { authenticate, authenticateToken, rejectSession } from '../auth/authenticate.js';
import { readProfile } from '../services/owner-reads.js';
import { assertNotBackingOff, clearFailures, countAttempt, limitKey, recordFailure, signInLimits } from '../auth/rate-limit.js';
import { endSession, revokeCustomerSessions, rotateSession, startSession, type SessionTokens } from '../auth/sessions.js';
import { queueEmail } from '../email.js';
import {
  AcceptedResponse,
  ChangePasswordBody,
  CustomerProfile,
  DoneResponse,
  EmailBody,
  LoginBody,
  NoContent,
  ProfileBody,
  RefreshBody,
  RegisterBody,
  SessionResponse,
  TokenPasswordBody,
  VerifyEmailBody,
  type CustomerProfileDto,
} from '../schemas/customer.js';
import { errorResponses } from '../schemas/common.js';
import { readCookie } from '../auth/cookies.js';

const LINK_SENT = 'If the address can receive our email, a message with a link is on its way. Check your inbox.';

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}


/** Counts a request that sends email, per client address and per email address; every request counts. */
async function countEmailRequest(request: FastifyRequest, reply: FastifyReply, limit: RateLimit, kind: string, email: string): Promise<void> {
  await countAttempt(request.em, reply, limitKey(`${kind}-ip`, request.ip), { max: limit.perIp, windowMs: limit.windowMs }, 'from this address');
  await countAttempt(request.em, reply, limitKey(`${kind}-email`, email), { max: limit.perEmail, windowMs: limit.windowMs }, 'for this email address');
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

function assertStrongPassword(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new ValidationError('weak_password', describePasswordProblems(problems), { problems });
}

async function profileOf(config: AppConfig, em: EntityManager, customer: ICustomerUser): Promise<CustomerProfileDto> {
  const ownedSites = await em.count(CustomerSiteOwnership, { customer: customer.id, role: 'owner' });
  const primary = await em.findOne(CustomerSiteOwnership, { customer: customer.id, isPrimary: true }, { populate: ['site'] });
  return {
    id: customer.id,
    email: customer.email,
    full_name: customer.fullName,
    phone: customer.phone ?? null,
    email_verified: customer.emailVerifiedAt != null,
    email_verified_at: customer.emailVerifiedAt?.toISOString() ?? null,
    has_password: customer.passwordHash != null,
    created_at: customer.createdAt.toISOString(),
    last_login_at: customer.lastLoginAt?.toISOString() ?? null,
    owned_sites_count: ownedSites,
    primary_site: primary
      ? {
          site_id: primary.site.id,
          slug: primary.site.slug,
          site_title: primary.site.title,
          site_url: siteUrl(config, primary.site.slug, primary.site.customDomain),
          status: primary.site.status,
        }
      : null,
  };
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

async function sessionAnswer(config: AppConfig, em: EntityManager, customer: ICustomerUser, tokens: SessionTokens, request?: FastifyRequest, reply?: FastifyReply) {
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
    user: await profileOf(config, em, customer),
  };
}

/**
 * Spends a reset or set-password link and stores the new password, in one transaction: a weak password or a
 * spent link leaves everything as it was. Proves control of the inbox, so the email counts as verified; every
 * session and every other password link of the account ends.
 */
async function setPasswordWithToken(em: EntityManager, token: string, purpose: OneTimeTokenPurpose, password: string): Promise<ICustomerUser> {
  // The token is checked before the (deliberately slow) hash, so invalid links cost nothing; the hash is made
  // outside the transaction, which then spends the token atomically.
  await assertUsableOneTimeToken(em, token, purpose);
  const passwordHash = await hashPassword(password);
  return em.transactional(async (tx) => {
    const customer = await consumeOneTimeToken(tx, token, purpose);
    if (!customer.isActive) throw new ValidationError('invalid_token', 'This link is not valid. Request a new one.');
    assertStrongPassword(password, customer.email);
    const now = new Date();
    customer.passwordHash = passwordHash;
    customer.emailVerifiedAt ??= now;
    customer.lastLoginAt = now;
    await voidOneTimeTokens(tx, customer.id, ['reset_password', 'set_password'], now);
    await revokeCustomerSessions(tx, customer.id, { now });
    return customer;
  });
}

/** Customer accounts: registration, sessions, emailed links, passwords and the profile. */
export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const { login: loginLimit, authEmail: emailLimit } = config.auth.rateLimits;
  const tags = ['customer'];

  app.post('/register', {
    schema: {
      tags,
      summary: 'Create an account; a link to confirm the email address is emailed',
      description: 'Answers 202 whether or not the address already has an account; an existing owner is emailed a sign-in (password reset) link instead.',
      body: RegisterBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(request, reply, emailLimit, 'register', email);
    assertStrongPassword(request.body.password, email);
    // Hash before looking the address up, so a taken address answers as slowly as a new one.
    const passwordHash = await hashPassword(request.body.password);
    const em = request.em;

    let existing = await em.findOne(CustomerUser, { email });
    if (!existing) {
      try {
        const customer = em.create(CustomerUser, { email, passwordHash, fullName: request.body.full_name.trim(), phone: request.body.phone ?? null });
        await em.flush();
        await queueEmail(app.deps, verifyEmailMessage(config, customer));
        return reply.status(202).send({ message: LINK_SENT });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        em.clear();
        existing = await em.findOneOrFail(CustomerUser, { email });
      }
    }
    // The address is taken. Saying so would tell anyone which addresses have accounts, so the answer is the same
    // 202 and the owner hears about it by email instead. The email is a password-reset link, not a verification
    // link: confirming an unverified account someone else registered would hand them the owner's address.
    if (existing.isActive) await queueEmail(app.deps, passwordResetMessage(config, existing));
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/login', {
    schema: {
      tags,
      summary: 'Log in with email and password',
      body: LoginBody,
      response: { 200: SessionResponse, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    const em = request.em;
    const limits = signInLimits(loginLimit, 'login', email, request.ip);
    await assertNotBackingOff(em, reply, limits);
    const customer = await em.findOne(CustomerUser, { email });
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
    if (hash && needsRehash(hash)) customer.passwordHash = await hashPassword(request.body.password);
    customer.lastLoginAt = new Date();
    const tokens = await startSession(em, config.auth, customer);
    return sessionAnswer(config, em, customer, tokens, request, reply);
  });

  app.post('/refresh', {
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
    const limits = signInLimits(loginLimit, 'verify-email', owner.id, request.ip);
    await assertNotBackingOff(em, reply, limits);
    const matches = owner.passwordHash ? await verifyPassword(owner.passwordHash, request.body.password) : false;
    if (!matches) {
      await recordFailure(em, limits);
      throw new ValidationError('wrong_password', 'Enter the password of this account to confirm the address. If you did not choose it, use "forgot password" instead.');
    }
    await em.transactional(async (tx) => {
      const customer = await consumeOneTimeToken(tx, request.body.token, 'verify_email');
      customer.emailVerifiedAt ??= new Date();
      await voidOneTimeTokens(tx, customer.id, ['verify_email']);
    });
    return { status: 'email_verified', message: 'Your email address is confirmed. You can log in now.' };
  });

  app.post('/resend-verification', {
    schema: {
      tags,
      summary: 'Email a new confirmation link',
      description: 'Answers 202 whatever the address: unknown, already confirmed or pending. The address is looked up after answering, so the answer takes as long either way.',
      body: EmailBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(request, reply, emailLimit, 'resend-verification', email);
    afterAnswer(request, reply, async () => {
      const customer = await request.em.findOne(CustomerUser, { email });
      if (customer?.isActive && !customer.emailVerifiedAt) await queueEmail(app.deps, verifyEmailMessage(config, customer));
    });
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/forgot-password', {
    schema: {
      tags,
      summary: 'Email a link to choose a new password (valid 1 hour)',
      description: 'Answers 202 whether or not the address has an account. The address is looked up after answering, so the answer takes as long either way.',
      body: EmailBody,
      response: { 202: AcceptedResponse, ...errorResponses(400, 429) },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(request, reply, emailLimit, 'forgot-password', email);
    afterAnswer(request, reply, async () => {
      const customer = await request.em.findOne(CustomerUser, { email });
      if (customer?.isActive) await queueEmail(app.deps, passwordResetMessage(config, customer));
    });
    return reply.status(202).send({ message: LINK_SENT });
  });

  app.post('/reset-password', {
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

  app.get('/me', {
    preHandler: authenticateToken,
    schema: { tags, security: [{ bearer: [] }], summary: 'The signed-in customer, with owned-site count and primary site', response: { 200: CustomerProfile, ...errorResponses(401) } },
  }, async (request, reply) => await readProfile(app.sql, config, request.claims) ?? await rejectSession(request, reply));

  const signedInRoutes: FastifyPluginAsyncTypebox = async (signedIn) => {
    signedIn.addHook('preHandler', authenticate);
    const security = [{ bearer: [] }];

    signedIn.post('/change-password', {
      schema: {
        tags,
        security,
        summary: 'Change the password; every other session ends',
        body: ChangePasswordBody,
        response: { 200: DoneResponse, ...errorResponses(400, 401, 429) },
      },
    }, async (request, reply) => {
      const customer = request.customer;
      const limits = signInLimits(loginLimit, 'change-password', customer.id, request.ip);
      await assertNotBackingOff(request.em, reply, limits);
      const matches = customer.passwordHash ? await verifyPassword(customer.passwordHash, request.body.current_password) : false;
      if (!matches) {
        await recordFailure(request.em, limits);
        throw new ValidationError('wrong_password', 'The current password is not correct');
      }
      assertStrongPassword(request.body.new_password, customer.email);
      const now = new Date();
      customer.passwordHash = await hashPassword(request.body.new_password);
      await request.em.transactional(async (tx) => {
        tx.persist(customer);
        await voidOneTimeTokens(tx, customer.id, ['reset_password', 'set_password'], now);
        await revokeCustomerSessions(tx, customer.id, { except: request.sessionId, now });
      });
      return { status: 'password_changed', message: 'Your password has been changed and your other sessions have been signed out.' };
    });


    signedIn.put('/profile', {
      schema: {
        tags,
        security,
        summary: 'Change name or phone number',
        body: ProfileBody,
        response: { 200: CustomerProfile, ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const customer = request.customer;
      if (request.body.full_name !== undefined) customer.fullName = request.body.full_name.trim();
      if (request.body.phone !== undefined) customer.phone = request.body.phone;
      await request.em.flush();
      return profileOf(config, request.em, customer);
    });
  };
  await app.register(signedInRoutes);
};
