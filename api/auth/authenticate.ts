import type { FastifyReply, FastifyRequest } from 'fastify';
import { CustomerUser, RefreshToken } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import { AuthError } from '../../lib/errors.js';
import { verifyAccessToken, type AccessClaims } from './access-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in customer, loaded in the request's entity manager; set by `authenticate`, so read it only on routes that use it. */
    customer: ICustomerUser;
    /** The login session (refresh-token family) the access token was issued for; set by `authenticate`. */
    sessionId: string;
    /** Who the verified access token names; set by `authenticateToken` (the session itself is checked by the route's query). */
    claims: AccessClaims;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.]+)$/;

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match?.[1]) throw new AuthError('unauthorized', 'Send an access token as "Authorization: Bearer <token>"');
  return match[1];
}

function challenge(reply: FastifyReply, error: unknown): void {
  if (error instanceof AuthError) {
    reply.header('www-authenticate', error.code === 'unauthorized' ? 'Bearer realm="webmagic"' : `Bearer realm="webmagic", error="invalid_token"`);
  }
}

/**
 * preHandler for hot owner reads: checks the access token only (signature and expiry, cached per token) and sets
 * `request.claims`. The route's single query must itself require an active customer and a live session, and call
 * `rejectSession` when it finds none.
 */
export async function authenticateToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  try {
    request.claims = await verifyAccessToken(request.server.deps.config.auth, bearerToken(request));
  } catch (error) {
    challenge(reply, error);
    throw error;
  }
}

/** SQL condition (customer alias `c`, parameters $1 customer id and $2 session id): an active customer with a live session. */
export const LIVE_SESSION_SQL = `c.id = $1 and c.is_active and exists (select 1 from refresh_tokens r where r.family_id = $2 and r.customer_id = c.id and r.revoked_at is null)`;

/** After a hot read found no live session: throws the precise 401 the full check gives (ended session, inactive account). */
export async function rejectSession(request: FastifyRequest, reply: FastifyReply): Promise<never> {
  await authenticate(request, reply);
  // The session came back to life between the two reads (cannot happen: revocation is final); refuse all the same.
  throw new AuthError('session_ended', 'This session has ended; log in again');
}

/**
 * preHandler for customer routes: requires `Authorization: Bearer <access token>`, checks it and loads the
 * customer. Missing, malformed or expired tokens, a session ended by logout, password change or refresh-token
 * reuse, and inactive accounts all answer 401.
 */
export async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  try {
    const claims = await verifyAccessToken(request.server.deps.config.auth, bearerToken(request));
    const customer = await request.em.findOne(CustomerUser, { id: claims.customerId });
    if (!customer?.isActive) throw new AuthError('invalid_access_token', 'The access token is not valid');
    const live = await request.em.count(RefreshToken, { familyId: claims.sessionId, customer: customer.id, revokedAt: null });
    if (live === 0) throw new AuthError('session_ended', 'This session has ended; log in again');
    request.customer = customer;
    request.sessionId = claims.sessionId;
  } catch (error) {
    challenge(reply, error);
    throw error;
  }
}
