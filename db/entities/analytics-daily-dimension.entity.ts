import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Site } from './site.entity.js';

/**
 * Sessions per UTC day and per value of one dimension: the sum of that day's `analytics_hourly_dimensions` rows,
 * upserted in the same statement, so a dashboard over months reads days and only the partial days at its edges by hour.
 */
export const AnalyticsDailyDimension = defineEntity({
  name: 'AnalyticsDailyDimension',
  tableName: 'analytics_daily_dimensions',
  uniques: [{ properties: ['site', 'day', 'dimension', 'value'] }],
  indexes: [{ properties: ['day'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    day: p.datetime(),
    dimension: p.string().length(20),
    value: p.string(),
    sessions: p.integer().default(0),
  },
});
export type IAnalyticsDailyDimension = InferEntity<typeof AnalyticsDailyDimension>;
