import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';

/**
 * Hourly per-site roll-up, maintained incrementally as events are stored. Session figures belong to the hour the
 * session started; event counts to the hour of the event; `visitors` counts each daily visitor id once.
 */
export const AnalyticsHourly = defineEntity({
  name: 'AnalyticsHourly',
  tableName: 'analytics_hourly',
  uniques: [{ properties: ['site', 'hour'] }],
  indexes: [{ properties: ['hour'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    hour: p.datetime(),
    visitors: p.integer().default(0),
    sessions: p.integer().default(0),
    pageViews: p.integer().default(0),
    bounces: p.integer().default(0),
    durationSeconds: p.bigint('number').default(0),
    botViews: p.integer().default(0),
    ctaCall: p.integer().default(0),
    ctaEmail: p.integer().default(0),
    ctaClaim: p.integer().default(0),
    bookings: p.integer().default(0),
    claimsStarted: p.integer().default(0),
    checkoutsOpened: p.integer().default(0),
    purchases: p.integer().default(0),
  },
});
export type IAnalyticsHourly = InferEntity<typeof AnalyticsHourly>;
