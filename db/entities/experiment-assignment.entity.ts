import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Experiment } from './experiment.entity.js';

/** The sticky variant a visitor was assigned in an experiment. */
export const ExperimentAssignment = defineEntity({
  name: 'ExperimentAssignment',
  tableName: 'experiment_assignments',
  uniques: [{ properties: ['experiment', 'visitorId'] }],
  properties: {
    ...appendOnlyProperties,
    experiment: () => p.manyToOne(Experiment).deleteRule('cascade'),
    visitorId: p.string(),
    variant: p.string(),
  },
});
export type IExperimentAssignment = InferEntity<typeof ExperimentAssignment>;
