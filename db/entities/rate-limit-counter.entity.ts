import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One rate-limit counter (attempts in a window, or failures with back-off), shared by every API process.
 * Written only with atomic upserts (see api/auth/rate-limit.ts).
 */
export const RateLimitCounter = defineEntity({
  name: 'RateLimitCounter',
  tableName: 'rate_limit_counters',
  properties: {
    key: p.string().primary(),
    count: p.integer(),
    windowEndsAt: p.datetime().index(),
    blockedUntil: p.datetime().nullable(),
  },
});
export type IRateLimitCounter = InferEntity<typeof RateLimitCounter>;
