import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import { Operator as OperatorEntity, OperatorSession } from '../../db/entities/index.js';
import type { IOperator } from '../../db/entities/operator.entity.js';
import { hashToken, randomToken } from '../../lib/auth/secrets.js';
import type { AppConfig } from '../../lib/config.js';

/** A named operator (agent or admin) of the console. */
export type Operator = IOperator;

/** Name of the console's session cookie. */
export const OPERATOR_COOKIE = 'wm_operator';

/**
 * The CSRF token of a session: an HMAC of the session token, so it needs no storage and is useless without the
 * cookie. The console sends it as `x-csrf-token` on every state-changing request.
 */
export function csrfTokenFor(config: AppConfig, sessionToken: string): string {
  return createHmac('sha256', config.auth.jwtSecret).update(`webmagic:csrf:v1:${sessionToken}`).digest('base64url');
}

/** True when the presented CSRF token belongs to the session token (constant-time). */
export function csrfMatches(config: AppConfig, sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(config, sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Starts a console session: stores the token's hash and sets the `HttpOnly; Secure; SameSite=Lax` cookie. */
export async function startOperatorSession(em: EntityManager, config: AppConfig, operator: IOperator, reply: FastifyReply): Promise<string> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.operators.sessionTtlMs);
  em.create(OperatorSession, { operator, tokenHash: hashToken(token), expiresAt });
  await em.flush();
  reply.setCookie(OPERATOR_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', expires: expiresAt });
  return token;
}

/** The live session of a cookie's token, with its operator, or null. */
export async function findOperatorSession(em: EntityManager, token: string) {
  const session = await em.findOne(OperatorSession, { tokenHash: hashToken(token), revokedAt: null, expiresAt: { $gt: new Date() } }, { populate: ['operator'] });
  return session?.operator.isActive ? session : null;
}

/** Ends the session of a cookie's token and clears the cookie. */
export async function endOperatorSession(em: EntityManager, token: string | undefined, reply: FastifyReply): Promise<void> {
  if (token) await em.nativeUpdate(OperatorSession, { tokenHash: hashToken(token), revokedAt: null }, { revokedAt: new Date() });
  reply.clearCookie(OPERATOR_COOKIE, { path: '/' });
}

/** The operator with this (normalized) email address, if any. */
export async function findOperatorByEmail(em: EntityManager, email: string): Promise<IOperator | null> {
  return em.findOne(OperatorEntity, { email });
}
