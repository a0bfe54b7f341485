import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig, RateLimit } from '../../../lib/config.js';
import { countAttempt, type LimitKeys } from '../../auth/rate-limit.js';
import type { SessionTokens } from '../../auth/sessions.js';
import { readCookie } from '../../auth/cookies.js';
import { customerProfile } from '../../services/accounts.js';

/** The answer to every request that may send an email link, whatever the address. */
export const LINK_SENT = 'If the address can receive our email, a message with a link is on its way. Check your inbox.';

/** Email addresses are compared lower-cased and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Counts a request that sends email, per client address and per email address; every request counts. */
export async function countEmailRequest(keys: LimitKeys, request: FastifyRequest, reply: FastifyReply, limit: RateLimit, kind: string, email: string): Promise<void> {
  await countAttempt(request.em, reply, keys.address(`${kind}-ip`, request.ip), { max: limit.perIp, windowMs: limit.windowMs }, 'from this address');
  await countAttempt(request.em, reply, keys.key(`${kind}-email`, email), { max: limit.perEmail, windowMs: limit.windowMs }, 'for this email address');
}

/**
 * Runs `work` after the answer has been sent, so the answer takes the same time whatever the work finds (e.g.
 * whether an account exists). Failures are logged; the caller has already been told the request was accepted.
 */
export function afterAnswer(request: FastifyRequest, reply: FastifyReply, work: () => Promise<void>): void {
  reply.raw.once('finish', () => {
    work().catch((error: unknown) => request.log.error({ err: error, reqId: request.id }, 'work after the answer failed'));
  });
}

/** Name of the portal's refresh-token cookie. */
export const REFRESH_COOKIE = 'wm_refresh';
/** The path the refresh-token cookie is sent to: the customer routes only. */
export const REFRESH_COOKIE_PATH = '/api/v1/customer';

/**
 * True when the client asked to keep its refresh token in an HttpOnly cookie (the portal does). The custom header
 * cannot be sent cross-site without a CORS preflight, which this API never grants, so it also guards the
 * cookie-authenticated refresh and logout against CSRF.
 */
export function wantsCookie(request: FastifyRequest): boolean {
  return request.headers['x-webmagic-session'] === 'cookie';
}

/** The refresh token of a refresh or logout: from the body, else (portal only) from the cookie. */
export function presentedRefreshToken(request: FastifyRequest, body: { refresh_token?: string | undefined }): string | undefined {
  return body.refresh_token ?? (wantsCookie(request) ? readCookie(request, REFRESH_COOKIE) : undefined);
}

/** The answer of a new session: the tokens (the refresh token in a cookie when the portal asks) and the customer's profile. */
export async function sessionAnswer(config: AppConfig, request: FastifyRequest, reply: FastifyReply, customer: FastifyRequest['customer'], tokens: SessionTokens) {
  const cookie = wantsCookie(request);
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
    user: await customerProfile(config, request.em, customer),
  };
}
