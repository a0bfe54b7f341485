import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';

/**
 * An open checkout a claimant was handed: the site's claim as the database sees it. Counted to cap how many sites
 * one email or client address holds at once; at most one per site is open (not released), a partial unique index.
 * The client address is kept only as a keyed digest, and the housekeeping schedule deletes a hold
 * `PURCHASE_HOLD_RETENTION` after its checkout ended, email included.
 */
export const PurchaseHold = defineEntity({
  name: 'PurchaseHold',
  tableName: 'purchase_holds',
  uniques: [
    { properties: ['siteId', 'email'] },
    { name: 'purchase_holds_one_open_per_site', properties: ['siteId'], where: { releasedAt: null } },
  ],
  properties: {
    ...appendOnlyProperties,
    siteId: p.uuid(),
    email: p.string().index(),
    /** Keyed digest of the client address as limits count it (`LimitKeys.address`, IPv6 by its /64); never the address itself. */
    clientKey: p.string().fieldName('client_ip').index(),
    expiresAt: p.datetime(),
    /** When the hold stopped being the site's open claim: its claim ended, or its checkout had expired when someone else claimed. */
    releasedAt: p.datetime().nullable(),
  },
});
export type IPurchaseHold = InferEntity<typeof PurchaseHold>;
