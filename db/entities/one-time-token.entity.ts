import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { ONE_TIME_TOKEN_PURPOSES, type OneTimeTokenPurpose } from '../../lib/auth/one-time-tokens.js';

/** What a one-time link lets its holder do (defined in lib, where the link is built). */
export { ONE_TIME_TOKEN_PURPOSES, type OneTimeTokenPurpose };

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
