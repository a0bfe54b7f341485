import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerUser, RefreshToken } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import { hashToken, randomToken } from '../../lib/auth/secrets.js';
import type { AppConfig } from '../../lib/config.js';
import { AuthError } from '../../lib/errors.js';
import { signAccessToken } from './access-tokens.js';

/** The credentials a login or refresh hands out. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token, in seconds. */
  expiresIn: number;
  /** The refresh-token family: one per login, kept across rotations. */
  sessionId: string;
}

async function issue(em: EntityManager, auth: AppConfig['auth'], customerId: string, familyId: string, now: Date, sessionEndsAt: Date): Promise<SessionTokens> {
  const refreshToken = randomToken();
  em.create(RefreshToken, {
    customer: customerId,
    tokenHash: hashToken(refreshToken),
    familyId,
    expiresAt: new Date(Math.min(now.getTime() + auth.refreshTokenTtlMs, sessionEndsAt.getTime())),
  });
  await em.flush();
  return {
    accessToken: await signAccessToken(auth, { customerId, sessionId: familyId }, now),
    refreshToken,
    expiresIn: Math.floor(auth.accessTokenTtlMs / 1000),
    sessionId: familyId,
  };
}

/** Starts a new login session (a new refresh-token family) for the customer. */
export async function startSession(em: EntityManager, auth: AppConfig['auth'], customer: ICustomerUser, now = new Date()): Promise<SessionTokens> {
  return issue(em, auth, customer.id, randomUUID(), now, new Date(now.getTime() + auth.sessionMaxAgeMs));
}

function invalidRefreshToken(message = 'The refresh token is not valid; log in again'): AuthError {
  return new AuthError('invalid_refresh_token', message);
}

/** Revokes every live token of one session; returns how many were live. */
export async function revokeFamily(em: EntityManager, familyId: string, now = new Date()): Promise<number> {
  return em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: now });
}

/** Revokes every session of the customer, or every session but one (the caller's own after a password change). */
export async function revokeCustomerSessions(em: EntityManager, customerId: string, options: { except?: string; now?: Date } = {}): Promise<void> {
  const where = { customer: customerId, revokedAt: null, ...(options.except ? { familyId: { $ne: options.except } } : {}) };
  await em.nativeUpdate(RefreshToken, where, { revokedAt: options.now ?? new Date() });
}

/**
 * Trades a refresh token for a new pair. Each token works once: presenting one that was already rotated means a
 * copy leaked (or a client raced itself), so the whole family is revoked and the caller must log in again.
 */
export async function rotateSession(
  em: EntityManager,
  auth: AppConfig['auth'],
  presented: string,
  now = new Date(),
): Promise<{ tokens: SessionTokens; customer: ICustomerUser }> {
  const row = await em.findOne(RefreshToken, { tokenHash: hashToken(presented) });
  if (!row) throw invalidRefreshToken();
  if (row.revokedAt) throw invalidRefreshToken('This session has ended; log in again');
  const reused = async () => {
    await revokeFamily(em, row.familyId, now);
    return new AuthError('refresh_token_reused', 'This refresh token was already used, so the session has been ended for safety; log in again');
  };
  if (row.rotatedAt) throw await reused();
  if (row.expiresAt.getTime() <= now.getTime()) throw invalidRefreshToken('This session has expired; log in again');
  // A session lasts at most sessionMaxAgeMs from its login, however often its token is rotated.
  const first = await em.findOneOrFail(RefreshToken, { familyId: row.familyId }, { orderBy: { createdAt: 'asc' } });
  const sessionEndsAt = new Date(first.createdAt.getTime() + auth.sessionMaxAgeMs);
  if (sessionEndsAt.getTime() <= now.getTime()) {
    await revokeFamily(em, row.familyId, now);
    throw invalidRefreshToken('This session has reached its maximum age; log in again');
  }

  const customer = await em.findOne(CustomerUser, { id: row.customer.id });
  if (!customer?.isActive) {
    await revokeFamily(em, row.familyId, now);
    throw invalidRefreshToken();
  }

  const tokens = await em.transactional(async (tx) => {
    const claimed = await tx.nativeUpdate(RefreshToken, { id: row.id, rotatedAt: null, revokedAt: null }, { rotatedAt: now });
    if (claimed !== 1) return null;
    return issue(tx, auth, customer.id, row.familyId, now, sessionEndsAt);
  });
  if (!tokens) throw await reused();
  return { tokens, customer };
}

/** Ends the session the refresh token belongs to; unknown tokens are ignored so logout is idempotent. */
export async function endSession(em: EntityManager, presented: string, now = new Date()): Promise<void> {
  const row = await em.findOne(RefreshToken, { tokenHash: hashToken(presented) });
  if (row) await revokeFamily(em, row.familyId, now);
}
