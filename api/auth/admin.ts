import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IOperator } from '../../db/entities/operator.entity.js';
import { AuthError, ForbiddenError } from '../../lib/errors.js';
import { csrfMatches, findOperatorSession, OPERATOR_COOKIE } from './operator-sessions.js';
import { readCookie } from './cookies.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in operator on admin routes; null when a machine client used the admin API token. Set by `authenticateAdmin`. */
    operator: IOperator | null;
  }
}

const BEARER = /^Bearer (\S+)$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * preHandler for operator routes. Accepts either a named operator's console session (the `wm_operator` cookie; a
 * state-changing request must also carry the session's `x-csrf-token`) or, for scripts and machine clients,
 * `Authorization: Bearer <ADMIN_API_TOKEN>` (compared in constant time over digests). A customer token is refused.
 */
export async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    const expected = digest(request.server.deps.config.auth.adminApiToken);
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) {
      request.operator = null;
      return;
    }
  }
  const token = readCookie(request, OPERATOR_COOKIE);
  const session = token && header === undefined ? await findOperatorSession(request.em, token) : null;
  if (!token || !session) {
    reply.header('www-authenticate', 'Bearer realm="webmagic-admin"');
    throw new AuthError('unauthorized', 'Sign in to the agent console, or send the admin API token as "Authorization: Bearer <token>"');
  }
  const csrf = request.headers['x-csrf-token'];
  if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.server.deps.config, token, typeof csrf === 'string' ? csrf : undefined)) {
    throw new ForbiddenError('csrf_token_invalid', 'This request needs the x-csrf-token header of your console session');
  }
  request.operator = session.operator;
}

/** preHandler after `authenticateAdmin` for platform-wide figures and account actions: operators need the `admin` role (the admin API token has it). */
export async function requireAdminRole(request: FastifyRequest): Promise<void> {
  if (request.operator && request.operator.role !== 'admin') {
    throw new ForbiddenError('admin_role_required', 'Only operators with the admin role can do this; ask an admin.');
  }
}

/** Whether the request is an operator's (console session or admin token), for routes that show operators more; never refuses. */
export async function isOperator(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (request.headers.authorization === undefined) return false;
  try {
    await authenticateAdmin(request, reply);
    return true;
  } catch {
    reply.removeHeader('www-authenticate');
    return false;
  }
}
