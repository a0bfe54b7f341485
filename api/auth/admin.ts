import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../../lib/errors.js';

const BEARER = /^Bearer (\S+)$/;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * preHandler for operator routes: requires `Authorization: Bearer <ADMIN_API_TOKEN>`. Separate from customer
 * auth (a customer access token is refused); compared in constant time over digests, so length leaks nothing.
 */
export async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  const expected = digest(request.server.deps.config.auth.adminApiToken);
  if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
    reply.header('www-authenticate', 'Bearer realm="webmagic-admin"');
    throw new AuthError('unauthorized', 'Send the admin API token as "Authorization: Bearer <token>"');
  }
}
