import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';
import { VisitorSession } from './visitor-session.entity.js';

/** A page view, click or conversion on a site; server-side conversions may have no session. */
export const AnalyticsEvent = defineEntity({
  name: 'AnalyticsEvent',
  tableName: 'analytics_events',
  indexes: [{ properties: ['session', 'at'] }, { properties: ['site', 'at'] }, { properties: ['at'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    session: () => p.manyToOne(VisitorSession).nullable().deleteRule('cascade'),
    visitorId: p.string().nullable(),
    type: p.string(),
    path: p.string().nullable(),
    /** Set on events emitted by business processes, so a retried step records its event once. */
    dedupeKey: p.string().nullable().unique(),
    properties: p.json<Record<string, unknown>>().nullable(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export type IAnalyticsEvent = InferEntity<typeof AnalyticsEvent>;
