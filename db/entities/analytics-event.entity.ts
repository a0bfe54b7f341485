import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { VisitorSession } from './visitor-session.entity.js';

/** A page view, click or conversion within a visitor session. */
export const AnalyticsEvent = defineEntity({
  name: 'AnalyticsEvent',
  tableName: 'analytics_events',
  indexes: [{ properties: ['session', 'at'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    session: () => p.manyToOne(VisitorSession).deleteRule('cascade'),
    type: p.string(),
    properties: p.json<Record<string, unknown>>().nullable(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export type IAnalyticsEvent = InferEntity<typeof AnalyticsEvent>;
