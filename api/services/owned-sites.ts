import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser, Site } from '../../db/entities/index.js';
import { ForbiddenError } from '../../lib/errors.js';
import { centsToAmount } from '../../lib/money.js';
import { siteUrl, type SiteAddressConfig } from '../../lib/urls.js';
import type { OwnedSiteDto } from '../schemas/answers.js';
import { activationDeadline, type ActivationDeadlineConfig } from './subscriptions.js';

/** Every site the customer owns or collaborates on, primary first, then by when they got it. */
export async function listOwnedSites(em: EntityManager, config: SiteAddressConfig & ActivationDeadlineConfig, customerId: string): Promise<OwnedSiteDto[]> {
  const rows = await em.find(CustomerSiteOwnership, { customer: customerId }, { populate: ['site'], orderBy: { isPrimary: 'desc', acquiredAt: 'asc' } });
  return rows.map(({ site, isPrimary, role, acquiredAt }) => ({
    site_id: site.id,
    slug: site.slug,
    site_title: site.title,
    site_url: siteUrl(config, site.slug, site.customDomain),
    status: site.status,
    subscription_status: site.subscriptionStatus,
    is_primary: isPrimary,
    role,
    acquired_at: acquiredAt.toISOString(),
    purchased_at: site.purchasedAt?.toISOString() ?? null,
    purchase_amount: centsToAmount(site.purchaseAmountCents),
    monthly_amount: centsToAmount(site.monthlyAmountCents),
    currency: site.currency,
    next_billing_date: site.nextBillingDate?.toISOString() ?? null,
    grace_ends_at: site.graceEndsAt?.toISOString() ?? null,
    activation_deadline: activationDeadline(config, site),
    custom_domain: site.customDomain ?? null,
  }));
}

/** Makes one of the customer's sites their primary site; 403 when they do not own it. */
export async function setPrimarySite(em: EntityManager, customerId: string, siteId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const ownership = await tx.findOne(CustomerSiteOwnership, { customer: customerId, site: siteId });
    if (!ownership) throw new ForbiddenError('site_not_owned', 'You do not own this site');
    if (ownership.isPrimary) return;
    // Clear the old primary first: a partial unique index allows one primary per customer.
    await tx.nativeUpdate(CustomerSiteOwnership, { customer: customerId, isPrimary: true }, { isPrimary: false });
    await tx.nativeUpdate(CustomerSiteOwnership, { id: ownership.id }, { isPrimary: true });
    await tx.nativeUpdate(CustomerUser, { id: customerId }, { primarySite: tx.getReference(Site, siteId) });
  });
}
