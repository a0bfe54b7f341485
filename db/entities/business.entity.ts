import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** The local business a preview site was generated for. */
export const Business = defineEntity({
  name: 'Business',
  tableName: 'businesses',
  // Notifies the API's page caches (created by migration hosting_domains; declared so schema diffs keep it).
  triggers: [{ name: 'businesses_notify_changed', timing: 'after', events: ['update'], expression: `create trigger "businesses_notify_changed" after update on "businesses" for each row execute function "notify_site_changed"()` }],
  properties: {
    ...baseProperties,
    name: p.string(),
    category: p.string(),
    phone: p.string().nullable(),
    email: p.string().nullable(),
    address: p.string().nullable(),
    city: p.string().nullable(),
    hours: p.json<Record<string, string>>().nullable(),
  },
});
export type IBusiness = InferEntity<typeof Business>;
