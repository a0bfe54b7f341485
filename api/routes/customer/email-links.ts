import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyPassword } from '../../../lib/auth/passwords.js';
import { ValidationError } from '../../../lib/errors.js';
import { assertUsableOneTimeToken, oneTimeTokenState } from '../../../db/one-time-tokens.js';
import { assertNotBackingOff, recordFailure, LimitKeys } from '../../auth/rate-limit.js';
import { startSession } from '../../auth/sessions.js';
import { AcceptedResponse, DoneResponse, EmailBody, LinkStateBody, LinkStateResponse, SessionResponse, TokenPasswordBody, VerifyEmailBody } from '../../schemas/customer.js';
import { errorResponses } from '../../schemas/common.js';
import { confirmEmail, resendVerification, sendPasswordReset, setPasswordWithToken } from '../../services/accounts.js';
import { afterAnswer, countEmailRequest, LINK_SENT, normalizeEmail, sessionAnswer } from './account.js';

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** What a route's documentation says. */
interface RouteDocs {
  summary: string;
  description?: string;
}

/**
 * Registers `POST /<kind>`, which emails a link to the address in the body: counted against the email limit, answered
 * 202 at once, and the address looked up after the answer, so the answer says (and takes) the same whatever the address.
 */
function emailLinkRoute(app: App, kind: string, docs: RouteDocs, send: typeof resendVerification): void {
  const keys = LimitKeys.from(app.deps.config);
  app.post(`/${kind}`, {
    config: { access: 'public' },
    schema: { tags: ['customer'], ...docs, body: EmailBody, response: { 202: AcceptedResponse, ...errorResponses(400, 429) } },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    await countEmailRequest(keys, request, reply, app.deps.config.auth.rateLimits.authEmail, kind, email);
    afterAnswer(request, reply, () => send(app.deps, request.em, email));
    return reply.status(202).send({ message: LINK_SENT });
  });
}

/** Registers `POST /<purpose>` (with a dash), which sets the password with the emailed link of `purpose`, then signs the customer in. */
function passwordLinkRoute(app: App, purpose: 'reset_password' | 'set_password', docs: RouteDocs): void {
  const { config } = app.deps;
  app.post(`/${purpose.replace('_', '-')}`, {
    config: { access: 'public' },
    schema: { tags: ['customer'], ...docs, body: TokenPasswordBody, response: { 200: SessionResponse, ...errorResponses(400) } },
  }, async (request, reply) => {
    const customer = await setPasswordWithToken(request.em, request.body.token, purpose, request.body.password);
    return sessionAnswer(config, request, reply, customer, await startSession(request.em, config.auth, customer));
  });
}

/** The routes of the emailed links: confirming the address, and choosing a password (forgotten or first). */
export const emailLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const { login: loginLimit } = config.auth.rateLimits;
  const keys = LimitKeys.from(config);
  const tags = ['customer'];

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

  app.post('/link-state', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Whether an emailed link can still be used',
      description: 'The page behind a link asks first, so a used or expired link is said plainly before anyone types a password. Spends nothing.',
      body: LinkStateBody,
      response: { 200: LinkStateResponse, ...errorResponses(400) },
    },
  }, async (request) => ({ state: await oneTimeTokenState(request.em, request.body.token, request.body.purpose) }));

  emailLinkRoute(app, 'resend-verification', {
    summary: 'Email a new confirmation link',
    description: 'Answers 202 whatever the address: unknown, already confirmed or pending. The address is looked up after answering, so the answer takes as long either way.',
  }, resendVerification);
  emailLinkRoute(app, 'forgot-password', {
    summary: 'Email a link to choose a new password (valid 1 hour)',
    description: 'Answers 202 whether or not the address has an account. The address is looked up after answering, so the answer takes as long either way.',
  }, sendPasswordReset);
  passwordLinkRoute(app, 'reset_password', { summary: 'Choose a new password with the emailed reset link; logs in', description: 'Ends every other session of the account.' });
  passwordLinkRoute(app, 'set_password', { summary: 'Set the first password with the link emailed after a purchase (valid 7 days); logs in' });
};
