import type { EntityManager } from '@mikro-orm/postgresql';
import { PurchaseHold } from './entities/index.js';

/**
 * Deletes the holds whose checkout ended (released, or expired) more than `retentionMs` before `now`: the claimant's
 * email and address digest are needed only while the hold counts against the limits. Idempotent; answers how many went.
 */
export async function deleteEndedHolds(em: EntityManager, now: Date, retentionMs: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  return em.nativeDelete(PurchaseHold, { expiresAt: { $lt: cutoff }, $or: [{ releasedAt: null }, { releasedAt: { $lt: cutoff } }] });
}
