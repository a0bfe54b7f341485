import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';

/** An open checkout a claimant was handed; counted to cap how many sites one email or client address holds at once. */
export const PurchaseHold = defineEntity({
  name: 'PurchaseHold',
  tableName: 'purchase_holds',
  uniques: [{ properties: ['siteId', 'email'] }],
  properties: {
    ...appendOnlyProperties,
    siteId: p.uuid(),
    email: p.string().index(),
    clientIp: p.string().index(),
    expiresAt: p.datetime(),
  },
});
export type IPurchaseHold = InferEntity<typeof PurchaseHold>;
