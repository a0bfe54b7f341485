import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';

/** A hashed, rotating refresh token; reuse of a rotated one revokes its whole family. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    ...appendOnlyProperties,
    customer: () => p.manyToOne(CustomerUser).deleteRule('cascade'),
    tokenHash: p.string().unique(),
    familyId: p.uuid().index(),
    expiresAt: p.datetime(),
    rotatedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type IRefreshToken = InferEntity<typeof RefreshToken>;
