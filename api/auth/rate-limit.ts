import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import { countInWindow } from '../../db/rate-limits.js';
import { AppError } from '../../lib/errors.js';
import type { FailureLimit } from '../../lib/limit-keys.js';

export { LimitKeys, type FailureLimit } from '../../lib/limit-keys.js';

/** How long the first back-off after too many failures lasts; each further failure doubles it, up to the window. */
const FIRST_BACKOFF_MS = 1000;

function refuse(reply: FastifyReply, retryAfterMs: number, what: string): never {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  reply.header('retry-after', String(retryAfter));
  throw new AppError(429, 'rate_limited', `Too many attempts ${what}; try again in ${retryAfter} seconds`, { retry_after: retryAfter });
}

/**
 * Counts one request against a fixed window (every request counts: these send email or create work) and answers
 * 429 with Retry-After once the count passes `max`. One atomic upsert in PostgreSQL, so every API process shares
 * the count and parallel requests cannot slip past it.
 */
export async function countAttempt(em: EntityManager, reply: FastifyReply, key: string, limit: { max: number; windowMs: number }, what: string): Promise<void> {
  const { count, waitMs } = await countInWindow(em, key, limit.windowMs);
  if (count > limit.max) refuse(reply, waitMs, what);
}

/**
 * Answers 429 while any of the keys is backing off. Only failures count, and a back-off is short at first and
 * doubles with each further failure (never longer than the window): nobody is locked out for good, and keys pair
 * the account with the client address, so a stranger's failures never hold back the owner's own attempts.
 */
export async function assertNotBackingOff(em: EntityManager, reply: FastifyReply, limits: FailureLimit[]): Promise<void> {
  const rows = await em.getConnection().execute<{ key: string; wait_ms: string | number }[]>(
    `select key, extract(epoch from (blocked_until - now())) * 1000 as wait_ms from rate_limit_counters where key in (?) and blocked_until > now()`,
    [limits.map((l) => l.key)],
  );
  const longest = rows.reduce<{ key: string; wait_ms: string | number } | undefined>((a, b) => (a && Number(a.wait_ms) >= Number(b.wait_ms) ? a : b), undefined);
  if (longest) refuse(reply, Number(longest.wait_ms), limits.find((l) => l.key === longest.key)?.what ?? '');
}

/** Records one failure under each key (atomically, shared by every API process) and starts or extends its back-off. */
export async function recordFailure(em: EntityManager, limits: FailureLimit[]): Promise<void> {
  for (const limit of limits) {
    await em.getConnection().execute(
      `insert into rate_limit_counters as c (key, count, window_ends_at) values (?, 1, now() + ? * interval '1 millisecond')
       on conflict (key) do update set
         count = case when c.window_ends_at <= now() then 1 else c.count + 1 end,
         window_ends_at = excluded.window_ends_at`,
      [limit.key, limit.windowMs],
    );
    await em.getConnection().execute(
      `update rate_limit_counters set blocked_until = now() + least(?::float8, ?::float8 * power(2, least(count - ?, 40))) * interval '1 millisecond'
       where key = ? and count >= ?`,
      [limit.windowMs, FIRST_BACKOFF_MS, limit.max, limit.key, limit.max],
    );
  }
}

/** Forgets the failures under these keys (after a success). */
export async function clearFailures(em: EntityManager, keys: string[]): Promise<void> {
  await em.getConnection().execute(`delete from rate_limit_counters where key in (?)`, [keys]);
}
