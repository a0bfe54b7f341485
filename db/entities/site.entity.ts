import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Business } from './business.entity.js';
import { SiteVersion } from './site-version.entity.js';

/** Lifecycle of a site: generated preview, bought, subscribed, or taken offline. */
export const SITE_STATUSES = ['preview', 'owned', 'active', 'suspended', 'cancelled'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

/** Billing state mirrored on the site for quick reads; the subscription workflow owns it. */
export const SITE_SUBSCRIPTION_STATUSES = ['none', 'pending_activation', 'active', 'past_due', 'suspended', 'cancelled'] as const;
export type SiteSubscriptionStatus = (typeof SITE_SUBSCRIPTION_STATUSES)[number];

/** A hosted website, addressed by its slug, sold to one owner. */
export const Site = defineEntity({
  name: 'Site',
  tableName: 'sites',
  // Notifies the API's page caches (created by migration hosting_domains; declared so schema diffs keep it).
  triggers: [{ name: 'sites_notify_changed', timing: 'after', events: ['insert', 'update', 'delete'], expression: `create trigger "sites_notify_changed" after insert or delete or update of "slug", "status", "title", "current_version_id", "custom_domain", "purchase_amount_cents", "monthly_amount_cents", "currency", "business_id" on "sites" for each row execute function "notify_site_changed"()` }],
  properties: {
    ...baseProperties,
    slug: p.string().length(100).unique(),
    business: () => p.manyToOne(Business),
    title: p.string(),
    status: p.enum(SITE_STATUSES).default('preview'),
    purchaseAmountCents: p.integer(),
    monthlyAmountCents: p.integer(),
    currency: p.string().length(3),
    subscriptionStatus: p.enum(SITE_SUBSCRIPTION_STATUSES).default('none'),
    nextBillingDate: p.datetime().nullable(),
    graceEndsAt: p.datetime().nullable(),
    purchasedAt: p.datetime().nullable(),
    currentVersion: () => p.manyToOne(SiteVersion).nullable(),
    customDomain: p.string().nullable().unique(),
  },
});
export type ISite = InferEntity<typeof Site>;
