import type { EntityManager } from '@mikro-orm/postgresql';

/** Rows the housekeeping schedule deleted because they no longer mean anything, by what they were. */
export interface ExpiredState {
  rateLimits: number;
  refreshTokens: number;
  inbox: number;
}

/** Deletes the rows of `table` that `where` selects, `batchSize` at a time (short transactions); answers how many. */
async function deleteInBatches(em: EntityManager, table: string, where: string, params: unknown[], batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await em.execute<{ affectedRows: number }>(
      `delete from ${table} where ctid in (select ctid from ${table} where ${where} limit ?)`, [...params, batchSize], 'run',
    );
    deleted += result.affectedRows;
    if (result.affectedRows < batchSize) return deleted;
  }
}

/**
 * Deletes state that only matters until it ends, so that it is bounded by its retention rather than by how long the
 * platform has run. Idempotent; answers how many rows went.
 * - Rate-limit counters whose window ended and that hold no back-off: the next attempt would start them from 1 anyway.
 * - Sign-in sessions (refresh-token families) whose every token has expired: none can be refreshed, and every access
 *   token issued with them expired long before. A family with one live token keeps all of its rows, since the first
 *   one dates the login (REFRESH_SESSION_MAX_AGE) and a rotated one is how a replayed token is recognised.
 * - Webhook deliveries delivered to their workflow more than `inboxRetentionMs` ago; pending and parked ones stay.
 *   The retention must outlast the provider's redeliveries (Svix gives up after about 28 hours), so that a late
 *   duplicate still finds its row; what a payment did is kept by `processed_payments` and `payments`.
 */
export async function purgeExpiredState(em: EntityManager, now: Date, inboxRetentionMs: number, batchSize = 10_000): Promise<ExpiredState> {
  const at = now.toISOString();
  const rateLimits = await deleteInBatches(em, 'rate_limit_counters', 'window_ends_at < ? and (blocked_until is null or blocked_until < ?)', [at, at], batchSize);
  const refreshTokens = await deleteInBatches(
    em, 'refresh_tokens', 'family_id in (select family_id from refresh_tokens group by family_id having max(expires_at) < ?)', [at], batchSize,
  );
  const inboxCutoff = new Date(now.getTime() - inboxRetentionMs).toISOString();
  const inbox = await deleteInBatches(em, 'webhook_events', 'processed_at < ?', [inboxCutoff], batchSize);
  return { rateLimits, refreshTokens, inbox };
}
