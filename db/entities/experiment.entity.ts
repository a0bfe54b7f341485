import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';

/** Lifecycle of an experiment: assignments happen only while it runs. */
export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** One arm of an experiment: its share of visitors and the text it puts into the page slot. */
export interface ExperimentVariant {
  name: string;
  weight: number;
  content: string;
}

/** An A/B test of page variants on one site, or on every site when `site` is null. */
export const Experiment = defineEntity({
  name: 'Experiment',
  tableName: 'experiments',
  uniques: [{ properties: ['site', 'key'] }],
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site).nullable().deleteRule('cascade'),
    key: p.string(),
    /** The page element the variants replace (`headline`, `tagline`, `cta`, `claim_text`). */
    slot: p.string(),
    /** The first variant is the control. */
    variants: p.json<ExperimentVariant[]>(),
    /** The event that counts as a conversion (`cta_click:claim`, `booking_submitted`, `purchase_completed`, …). */
    goal: p.string(),
    status: p.enum(EXPERIMENT_STATUSES).default('draft'),
    winner: p.string().nullable(),
    startedAt: p.datetime().nullable(),
    stoppedAt: p.datetime().nullable(),
  },
});
export type IExperiment = InferEntity<typeof Experiment>;
