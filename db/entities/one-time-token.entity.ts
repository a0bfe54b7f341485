import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';

/** What a one-time link lets its holder do. */
export const ONE_TIME_TOKEN_PURPOSES = ['verify_email', 'reset_password', 'set_password'] as const;
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

/** A hashed, expiring, single-use token sent by email. */
export const OneTimeToken = defineEntity({
  name: 'OneTimeToken',
  tableName: 'one_time_tokens',
  properties: {
    ...appendOnlyProperties,
    customer: () => p.manyToOne(CustomerUser).deleteRule('cascade'),
    purpose: p.enum(ONE_TIME_TOKEN_PURPOSES),
    tokenHash: p.string().unique(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
export type IOneTimeToken = InferEntity<typeof OneTimeToken>;
