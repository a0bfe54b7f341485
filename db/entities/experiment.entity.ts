import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';

/** An A/B test of page variants on one site. */
export const Experiment = defineEntity({
  name: 'Experiment',
  tableName: 'experiments',
  uniques: [{ properties: ['site', 'key'] }],
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    key: p.string(),
    variants: p.json<string[]>(),
    isActive: p.boolean().default(true),
  },
});
export type IExperiment = InferEntity<typeof Experiment>;
