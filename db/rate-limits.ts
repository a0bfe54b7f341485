import type { EntityManager } from '@mikro-orm/postgresql';

/** A counter after one more count: how many in its window so far, and how long the window still runs. */
export interface WindowCount {
  count: number;
  waitMs: number;
}

/**
 * Counts one more under `key` in a fixed window of `windowMs` (a window that has ended starts again at 1). One atomic
 * upsert in `rate_limit_counters`, so every API process and worker shares the count and parallel calls cannot slip past it.
 */
export async function countInWindow(em: EntityManager, key: string, windowMs: number): Promise<WindowCount> {
  const [row] = await em.getConnection().execute<{ count: number; wait_ms: string | number | null }[]>(
    `insert into rate_limit_counters as c (key, count, window_ends_at) values (?, 1, now() + ? * interval '1 millisecond')
     on conflict (key) do update set
       count = case when c.window_ends_at <= now() then 1 else c.count + 1 end,
       window_ends_at = case when c.window_ends_at <= now() then excluded.window_ends_at else c.window_ends_at end
     returning c.count, extract(epoch from (c.window_ends_at - now())) * 1000 as wait_ms`,
    [key, windowMs],
  );
  return { count: row?.count ?? 1, waitMs: Number(row?.wait_ms ?? windowMs) };
}
