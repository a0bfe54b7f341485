import type { EntityManager } from '@mikro-orm/postgresql';
import { PurchaseHold } from '../../db/entities/index.js';
import type { AppConfig } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';

/** Who asks to hold a site while they pay. */
export interface HoldRequest {
  siteId: string;
  email: string;
  clientIp: string;
}

/**
 * Refuses (429) a claimant who already holds as many other sites (open checkouts) as allowed, by email or by
 * client address: one person cannot take every preview off the market by opening checkouts they never pay.
 * Asking again for a site already held is always allowed (it answers the same checkout).
 */
export async function assertHoldAllowed(em: EntityManager, limits: AppConfig['purchaseHolds'], hold: HoldRequest, now = new Date()): Promise<void> {
  const open = { expiresAt: { $gt: now }, siteId: { $ne: hold.siteId } };
  if (await em.count(PurchaseHold, { ...open, email: hold.email }) >= limits.maxPerEmail) {
    throw new AppError(429, 'too_many_open_purchases', `This email address already has ${limits.maxPerEmail} open checkouts; pay or let one expire first`);
  }
  if (await em.count(PurchaseHold, { ...open, clientIp: hold.clientIp }) >= limits.maxPerIp) {
    throw new AppError(429, 'too_many_open_purchases', 'Too many open checkouts from this address; pay or let one expire first');
  }
}

/** Records (or refreshes) the hold a claimant got, until their checkout expires. */
export async function recordHold(em: EntityManager, hold: HoldRequest, expiresAt: Date): Promise<void> {
  await em.upsert(PurchaseHold, { ...hold, expiresAt }, { onConflictFields: ['siteId', 'email'], onConflictAction: 'merge', onConflictMergeFields: ['expiresAt', 'clientIp'] });
}
