import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';

/** A site owner's login; the email is stored lower-cased so uniqueness is case-insensitive. */
export const CustomerUser = defineEntity({
  name: 'CustomerUser',
  tableName: 'customer_users',
  properties: {
    ...baseProperties,
    email: p.string().unique().check('email = lower(email)'),
    passwordHash: p.string().nullable().hidden(),
    fullName: p.string(),
    phone: p.string().nullable(),
    emailVerifiedAt: p.datetime().nullable(),
    primarySite: () => p.manyToOne(Site).nullable().deleteRule('set null'),
    isActive: p.boolean().default(true),
    lastLoginAt: p.datetime().nullable(),
  },
});
export type ICustomerUser = InferEntity<typeof CustomerUser>;
