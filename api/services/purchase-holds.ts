import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PurchaseHold } from '../../db/entities/index.js';
import type { AppConfig } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { siteBeingClaimed } from './claims.js';

/** Who asks to hold a site while they pay. */
export interface HoldRequest {
  siteId: string;
  email: string;
  /** The client address as limits count it, as a keyed digest (`LimitKeys.address`: an IPv6 address by its /64). */
  clientKey: string;
}

/**
 * Refuses (429) a claimant who already holds as many other sites (open checkouts, not bought) as allowed, by email or by
 * client address: one person cannot take every preview off the market by opening checkouts they never pay.
 * Asking again for a site already held is always allowed (it answers the same checkout).
 */
export async function assertHoldAllowed(em: EntityManager, limits: AppConfig['checkout']['holds'], hold: HoldRequest, now = new Date()): Promise<void> {
  const open = { expiresAt: { $gt: now }, releasedAt: null, siteId: { $ne: hold.siteId } };
  if (await em.count(PurchaseHold, { ...open, email: hold.email }) >= limits.maxPerEmail) {
    throw new AppError(429, 'too_many_open_purchases', `This email address already has ${limits.maxPerEmail} open checkouts; pay or let one expire first`);
  }
  if (await em.count(PurchaseHold, { ...open, clientKey: hold.clientKey }) >= limits.maxPerIp) {
    throw new AppError(429, 'too_many_open_purchases', 'Too many open checkouts from this address; pay or let one expire first');
  }
}

/**
 * Records (or refreshes) the hold a claimant got, until their checkout expires. The claim workflow releases it when the
 * claim ends; another claimant's hold whose checkout has expired is released here too (a hold written late, or by a run
 * from before the release). While it is open the database refuses a second open hold (one open claim per site) and
 * the claimant gets 409 `site_being_claimed`. The same claimant asking again refreshes their own hold.
 */
export async function recordHold(em: EntityManager, hold: HoldRequest, expiresAt: Date, now = new Date()): Promise<void> {
  // Two requests of the same claimant can race to insert; the loser sees the winner's hold on its second try.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await em.fork().transactional(async (tx) => {
        await tx.nativeUpdate(PurchaseHold, { siteId: hold.siteId, email: { $ne: hold.email }, releasedAt: null, expiresAt: { $lte: now } }, { releasedAt: now });
        await tx.upsert(PurchaseHold, { ...hold, expiresAt, releasedAt: null }, {
          onConflictFields: ['siteId', 'email'], onConflictAction: 'merge', onConflictMergeFields: ['expiresAt', 'clientKey', 'releasedAt'],
        });
      });
      return;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const open = await em.fork().findOne(PurchaseHold, { siteId: hold.siteId, releasedAt: null });
      if (attempt > 1 || (open && open.email !== hold.email)) throw siteBeingClaimed();
    }
  }
}
