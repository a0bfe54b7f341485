import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';

/** Sessions per hour and per value of one dimension (UTM source/campaign, referrer, landing page, device, duration bucket). */
export const AnalyticsHourlyDimension = defineEntity({
  name: 'AnalyticsHourlyDimension',
  tableName: 'analytics_hourly_dimensions',
  uniques: [{ properties: ['site', 'hour', 'dimension', 'value'] }],
  indexes: [{ properties: ['hour'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    hour: p.datetime(),
    dimension: p.string().length(20),
    value: p.string(),
    sessions: p.integer().default(0),
  },
});
export type IAnalyticsHourlyDimension = InferEntity<typeof AnalyticsHourlyDimension>;
