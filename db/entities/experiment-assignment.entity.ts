import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Experiment } from './experiment.entity.js';

/** A visitor's exposure to an experiment (created when the variant is served) and its conversion. */
export const ExperimentAssignment = defineEntity({
  name: 'ExperimentAssignment',
  tableName: 'experiment_assignments',
  uniques: [{ properties: ['experiment', 'visitorId'] }],
  properties: {
    ...appendOnlyProperties,
    experiment: () => p.manyToOne(Experiment).deleteRule('cascade'),
    visitorId: p.string(),
    variant: p.string(),
    convertedAt: p.datetime().nullable(),
  },
});
export type IExperimentAssignment = InferEntity<typeof ExperimentAssignment>;
