import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import type { SiteContent } from '../../lib/site-editor/content.js';
import { Site } from './site.entity.js';

/** Who produced a site version. */
export const VERSION_AUTHORS = ['system', 'ai', 'customer', 'admin'] as const;

/** Structured page content rendered by the hosting template (schema in lib/site-editor/content.ts). */
export type { SiteContent } from '../../lib/site-editor/content.js';

/** One immutable revision of a site's content; publishing an older one is a rollback. */
export const SiteVersion = defineEntity({
  name: 'SiteVersion',
  tableName: 'site_versions',
  // Notifies the API's page caches (created by migration hosting_domains; declared so schema diffs keep it).
  triggers: [{ name: 'site_versions_notify_changed', timing: 'after', events: ['update', 'delete'], expression: `create trigger "site_versions_notify_changed" after update or delete on "site_versions" for each row execute function "notify_site_changed"()` }],
  uniques: [{ properties: ['site', 'versionNumber'] }],
  properties: {
    ...appendOnlyProperties,
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    versionNumber: p.integer(),
    content: p.json<SiteContent>(),
    changeSummary: p.string().nullable(),
    createdBy: p.enum(VERSION_AUTHORS),
    publishedAt: p.datetime().nullable(),
    /** Set when an unpublished draft was rejected or expired; a discarded version is never published. */
    discardedAt: p.datetime().nullable(),
  },
});
export type ISiteVersion = InferEntity<typeof SiteVersion>;
