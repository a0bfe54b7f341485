import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';

/** Roles a customer can hold on a site. */
export const OWNERSHIP_ROLES = ['owner', 'collaborator'] as const;

/** Which customer owns which site; at most one primary site per customer. */
export const CustomerSiteOwnership = defineEntity({
  name: 'CustomerSiteOwnership',
  tableName: 'customer_site_ownership',
  uniques: [
    { properties: ['customer', 'site'] },
    { name: 'customer_site_ownership_one_primary', properties: ['customer'], where: { isPrimary: true } },
    { name: 'customer_site_ownership_one_owner', properties: ['site'], where: { role: 'owner' } },
  ],
  properties: {
    ...appendOnlyProperties,
    customer: () => p.manyToOne(CustomerUser).deleteRule('cascade'),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    role: p.enum(OWNERSHIP_ROLES).default('owner'),
    isPrimary: p.boolean().default(false),
    acquiredAt: p.datetime(),
  },
});
export type ICustomerSiteOwnership = InferEntity<typeof CustomerSiteOwnership>;
