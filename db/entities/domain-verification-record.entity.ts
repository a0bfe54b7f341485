import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';

/** Steps of a custom-domain verification; `lapsed`: verified, then its records were gone past the lapse period. */
export const DOMAIN_STATUSES = ['pending', 'txt_verified', 'verified', 'failed', 'expired', 'lapsed'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** A custom domain being proven (TXT token, then CNAME/A) before the site is served on it. */
export const DomainVerificationRecord = defineEntity({
  name: 'DomainVerificationRecord',
  tableName: 'domain_verification_records',
  // Notifies the API's page caches (created by migration hosting_domains; declared so schema diffs keep it).
  triggers: [{ name: 'domain_verification_records_notify_changed', timing: 'after', events: ['insert', 'update', 'delete'], expression: `create trigger "domain_verification_records_notify_changed" after insert or update or delete on "domain_verification_records" for each row execute function "notify_site_changed"()` }],
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site),
    domain: p.string().index(),
    token: p.string(),
    status: p.enum(DOMAIN_STATUSES).default('pending'),
    checkedAt: p.datetime().nullable(),
    verifiedAt: p.datetime().nullable(),
    expiresAt: p.datetime(),
    /** What the last DNS check saw (records and whether each requirement was met). */
    lastSeen: p.json<Record<string, unknown>>().nullable(),
    /** Since when a verified domain's records have been missing; null while they are in place. */
    missingSince: p.datetime().nullable(),
  },
});
export type IDomainVerificationRecord = InferEntity<typeof DomainVerificationRecord>;
