import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Listing } from '../../lib/preview-generator/generator.js';
import { baseProperties } from './base.js';
import { PreviewBatch } from './preview-batch.entity.js';
import { Site } from './site.entity.js';

/** Where one listing of a batch stands: waiting, its preview created, generation failed, held by the quality gate, or cancelled. */
export const PREVIEW_LISTING_STATUSES = ['pending', 'done', 'failed', 'held', 'cancelled'] as const;
export type PreviewListingStatus = (typeof PREVIEW_LISTING_STATUSES)[number];

/**
 * One accepted listing of a batch, in import order (`position` from 1). The workflow carries positions only; the
 * listing's facts live here. `site` is set once, by the activity that creates the preview (idempotent on this row).
 */
export const PreviewListing = defineEntity({
  name: 'PreviewListing',
  tableName: 'preview_listings',
  uniques: [{ properties: ['batch', 'position'] }],
  indexes: [{ properties: ['batch', 'status'] }, { properties: ['expiresAt'], where: { retiredAt: null } }],
  properties: {
    ...baseProperties,
    batch: () => p.manyToOne(PreviewBatch).deleteRule('cascade'),
    position: p.integer(),
    /** The row of the upload it came from (from 1), as the import report names it. */
    rowNumber: p.integer(),
    listing: p.json<Listing>(),
    /** The phone's digits, and the lower-cased name + address, that duplicates are found by. */
    phoneKey: p.string().index(),
    nameAddressKey: p.string().index(),
    status: p.enum(PREVIEW_LISTING_STATUSES).default('pending'),
    /** Why generation failed, or the gate's reasons for holding it (one per line). */
    reason: p.text().nullable(),
    attempts: p.integer().default(0),
    site: () => p.manyToOne(Site).nullable().unique().deleteRule('set null'),
    /** When the preview is retired unless claimed (`PREVIEW_LIFETIME` after it was created). */
    expiresAt: p.datetime().nullable(),
    retiredAt: p.datetime().nullable(),
  },
});
export type IPreviewListing = InferEntity<typeof PreviewListing>;
