import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordPurchaseCompleted } from './analytics.js';
import { CustomerSiteOwnership, CustomerUser, Payment, Site, Subscription } from './entities/index.js';

/**
 * Makes the customer an owner of the site (primary when it is their first) and, with a payment, ties it to them. Holds
 * the customer's row so two grants cannot both be primary; the same however often it runs. Call inside a transaction.
 */
export async function addSiteOwner(em: EntityManager, input: { customerId: string; siteId: string; paymentId?: string | null; acquiredAt: Date }): Promise<{ isPrimary: boolean }> {
  const customer = await em.findOneOrFail(CustomerUser, input.customerId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (input.paymentId) await em.nativeUpdate(Payment, { id: input.paymentId }, { customer: input.customerId });
  const existing = await em.findOne(CustomerSiteOwnership, { customer: input.customerId, site: input.siteId });
  if (existing) return { isPrimary: existing.isPrimary };
  const isPrimary = (await em.count(CustomerSiteOwnership, { customer: input.customerId, isPrimary: true })) === 0;
  em.create(CustomerSiteOwnership, { customer, site: input.siteId, role: 'owner', isPrimary, acquiredAt: input.acquiredAt });
  if (isPrimary) customer.primarySite = em.getReference(Site, input.siteId);
  return { isPrimary };
}

/** Moves the site from preview to owned (once) and opens a subscription awaiting activation. Call inside a transaction. */
export async function markSiteOwned(em: EntityManager, input: { siteId: string; customerId: string; purchasedAt: Date; sessionTimeoutMs: number }): Promise<void> {
  const site = await em.findOneOrFail(Site, input.siteId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (site.status === 'preview') {
    site.status = 'owned';
    site.purchasedAt = input.purchasedAt;
    site.subscriptionStatus = 'pending_activation';
    await recordPurchaseCompleted(em, input.siteId, input.purchasedAt, input.sessionTimeoutMs);
  }
  await em.upsert(Subscription, {
    site: input.siteId,
    customer: input.customerId,
    status: 'pending_activation',
    amountCents: site.monthlyAmountCents,
    currency: site.currency,
  }, { onConflictFields: ['site'], onConflictAction: 'ignore' });
}

/**
 * Makes sure the customer has a primary site when they hold any: their oldest remaining one (by when they acquired it).
 * Used after a site left their account. Call inside a transaction.
 */
export async function reelectPrimarySite(em: EntityManager, customerId: string): Promise<string | null> {
  const customer = await em.findOneOrFail(CustomerUser, customerId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const held = await em.find(CustomerSiteOwnership, { customer: customerId }, { orderBy: { acquiredAt: 'asc', createdAt: 'asc' } });
  const primary = held.find((o) => o.isPrimary) ?? held[0];
  if (primary && !primary.isPrimary) primary.isPrimary = true;
  customer.primarySite = primary ? em.getReference(Site, primary.site.id) : null;
  return primary?.site.id ?? null;
}

/** The site's owner (their ownership row with the customer), or null. */
export function siteOwner(em: EntityManager, siteId: string) {
  return em.findOne(CustomerSiteOwnership, { site: siteId, role: 'owner' }, { populate: ['customer'] });
}
