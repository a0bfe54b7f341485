import type { FastifyReply, FastifyRequest } from 'fastify';
import { CustomerUser, RefreshToken } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import { AuthError } from '../../lib/errors.js';
import { verifyAccessToken } from './access-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in customer, loaded in the request's entity manager; set by `authenticate`, so read it only on routes that use it. */
    customer: ICustomerUser;
    /** The login session (refresh-token family) the access token was issued for; set by `authenticate`. */
    sessionId: string;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.]+)$/;

/**
 * preHandler for customer routes: requires `Authorization: Bearer <access token>`, checks it and loads the
 * customer. Missing, malformed or expired tokens, a session ended by logout, password change or refresh-token
 * reuse, and inactive accounts all answer 401.
 */
export async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  try {
    if (!match?.[1]) throw new AuthError('unauthorized', 'Send an access token as "Authorization: Bearer <token>"');
    const claims = await verifyAccessToken(request.server.deps.config.auth, match[1]);
    const customer = await request.em.findOne(CustomerUser, { id: claims.customerId });
    if (!customer?.isActive) throw new AuthError('invalid_access_token', 'The access token is not valid');
    const live = await request.em.count(RefreshToken, { familyId: claims.sessionId, customer: customer.id, revokedAt: null });
    if (live === 0) throw new AuthError('session_ended', 'This session has ended; log in again');
    request.customer = customer;
    request.sessionId = claims.sessionId;
  } catch (error) {
    if (error instanceof AuthError) {
      reply.header('www-authenticate', error.code === 'unauthorized' ? 'Bearer realm="webmagic"' : `Bearer realm="webmagic", error="invalid_token"`);
    }
    throw error;
  }
}
