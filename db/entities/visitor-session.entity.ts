import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';

/** One visit to a site (ends after 30 min without activity), with its first view's UTM tags, referrer host and a truncated IP. */
export const VisitorSession = defineEntity({
  name: 'VisitorSession',
  tableName: 'visitor_sessions',
  indexes: [{ properties: ['site', 'startedAt'] }, { properties: ['site', 'visitorId', 'lastSeenAt'] }, { properties: ['startedAt'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    visitorId: p.string(),
    utmSource: p.string().nullable(),
    utmMedium: p.string().nullable(),
    utmCampaign: p.string().nullable(),
    utmTerm: p.string().nullable(),
    utmContent: p.string().nullable(),
    referrer: p.string().nullable(),
    landingPath: p.string(),
    ipTruncated: p.string().nullable(),
    startedAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    deviceClass: p.string().length(10).default('desktop'),
    pageViews: p.integer().default(0),
  },
});
export type IVisitorSession = InferEntity<typeof VisitorSession>;
