import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimit } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';

/** Counts attempts per client address and per email address; `check` answers 429 with Retry-After once either is over. */
export interface AttemptLimiter {
  check(request: FastifyRequest, reply: FastifyReply, email: string): Promise<void>;
}

/**
 * Builds a limiter on @fastify/rate-limit's store (registered with `global: false`). Both counters count every
 * attempt, atomically, so parallel requests cannot slip past the limit. The store is in process memory: with
 * several API instances each enforces its own count.
 */
export function createAttemptLimiter(app: FastifyInstance, limit: RateLimit): AttemptLimiter {
  const subjects = new WeakMap<FastifyRequest, string>();
  const perIp = app.createRateLimit({ max: limit.perIp, timeWindow: limit.windowMs });
  const perEmail = app.createRateLimit({ max: limit.perEmail, timeWindow: limit.windowMs, keyGenerator: (request) => subjects.get(request) ?? '' });

  async function enforce(result: Awaited<ReturnType<typeof perIp>>, reply: FastifyReply, what: string): Promise<void> {
    if (result.isAllowed || !result.isExceeded) return;
    const retryAfter = Math.max(1, result.ttlInSeconds);
    reply.header('retry-after', String(retryAfter));
    throw new AppError(429, 'rate_limited', `Too many attempts ${what}; try again in ${retryAfter} seconds`, { retry_after: retryAfter });
  }

  return {
    async check(request, reply, email) {
      await enforce(await perIp(request), reply, 'from this address');
      subjects.set(request, email);
      await enforce(await perEmail(request), reply, 'for this email address');
    },
  };
}
