import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { PreviewBatch } from './preview-batch.entity.js';

/**
 * A photo file uploaded with a batch, by the file name its listings give in `photos`. The original bytes wait in the
 * photo store (`imports/<batchId>/<n>`) until a listing's preview is made: then the photo pipeline turns them into the
 * site's own photo. The originals are deleted when no listing of the batch can still be generated from them.
 */
export const PreviewBatchPhoto = defineEntity({
  name: 'PreviewBatchPhoto',
  tableName: 'preview_batch_photos',
  uniques: [{ properties: ['batch', 'name'] }],
  properties: {
    ...appendOnlyProperties,
    batch: () => p.manyToOne(PreviewBatch).deleteRule('cascade'),
    name: p.string(),
    storageKey: p.string(),
    bytes: p.integer(),
    /** When the original was deleted from the store (the row stays, so the batch still says what was uploaded). */
    deletedAt: p.datetime().nullable(),
  },
});
export type IPreviewBatchPhoto = InferEntity<typeof PreviewBatchPhoto>;
