import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** Where a generation batch stands: generating, every listing settled, or stopped by an operator. */
export const PREVIEW_BATCH_STATUSES = ['running', 'completed', 'cancelled'] as const;
export type PreviewBatchStatus = (typeof PREVIEW_BATCH_STATUSES)[number];

/** A batch of business listings imported together and turned into preview sites by one `previewBatchWorkflow`. */
export const PreviewBatch = defineEntity({
  name: 'PreviewBatch',
  tableName: 'preview_batches',
  properties: {
    ...baseProperties,
    name: p.string(),
    status: p.enum(PREVIEW_BATCH_STATUSES).default('running'),
    /** How many listings were accepted (the rows the workflow generates, positions 1…accepted). */
    accepted: p.integer(),
    /** Whether businesses with an email address are sent their preview link (outreach rules apply). */
    sendOutreach: p.boolean().default(false),
    createdBy: p.string().nullable(),
    cancelledAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export type IPreviewBatch = InferEntity<typeof PreviewBatch>;
