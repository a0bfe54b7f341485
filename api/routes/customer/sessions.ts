import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { verifyAgainstNothing, verifyPassword, hashPassword } from '../../../lib/auth/passwords.js';
import { AuthError, ForbiddenError, ValidationError } from '../../../lib/errors.js';
import { assertNotBackingOff, clearFailures, recordFailure, LimitKeys, type FailureLimit } from '../../auth/rate-limit.js';
import { endSession, rotateSession } from '../../auth/sessions.js';
import { AcceptedResponse, LoginBody, NoContent, RefreshBody, RegisterBody, SessionResponse } from '../../schemas/customer.js';
import { errorResponses } from '../../schemas/common.js';
import { assertStrongPassword, findCustomerByEmail, registerCustomer, signIn } from '../../services/accounts.js';
import {
  countEmailRequest, LINK_SENT, normalizeEmail, presentedRefreshToken, REFRESH_COOKIE, REFRESH_COOKIE_PATH, sessionAnswer, wantsCookie,
} from './account.js';

/** The active customer whose email and password the login names; any mismatch counts against the login limits. */
async function checkCredentials(request: FastifyRequest<{ Body: Static<typeof LoginBody> }>, reply: FastifyReply, limits: FailureLimit[], email: string) {
  const em = request.em;
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
  return customer;
}

/** Customer accounts, before sign-in: registration, and the sessions of login, refresh and logout. */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
    const customer = await checkCredentials(request, reply, keys.signIn(loginLimit, 'login', email, request.ip), email);
    // Purchases attach sites to the account with the buyer's email, so an account nobody has proven the inbox of
    // must not be usable: whoever registered it first could otherwise see the real owner's sites later.
    if (!customer.emailVerifiedAt) {
      throw new ForbiddenError('email_not_verified', 'Confirm your email address first: use the link we emailed you, or ask for a new one');
    }
    const tokens = await signIn(em, config, customer, request.body.password);
    return sessionAnswer(config, request, reply, customer, tokens);
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
    if (!presented && !wantsCookie(request)) throw new ValidationError('validation_failed', 'Send the refresh token, or sign in again.', { code: 'required', field: 'refresh_token' });
    if (!presented) throw new AuthError('invalid_refresh_token', 'No refresh-token cookie: sign in again');
    const { tokens, customer } = await rotateSession(request.em, config.auth, presented);
    return sessionAnswer(config, request, reply, customer, tokens);
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
};
