import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { PhotoVariant } from '../../lib/photos/variants.js';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';
import { SupportTicket } from './support-ticket.entity.js';

/** What a photo was uploaded as: one of the site's slots, or an attachment to a support ticket. */
export const PHOTO_KINDS = ['logo', 'hero', 'gallery', 'ticket'] as const;
/** What a photo was uploaded as. */
export type PhotoKind = (typeof PHOTO_KINDS)[number];

/**
 * An uploaded photo of a site: its upright size and the variants in the photo store (`photos/<id>/<width>.<ext>`).
 * Rows are never changed; a version places a photo by its id. Photos no version uses are deleted after
 * PHOTO_RETENTION by the housekeeping schedule.
 */
export const Photo = defineEntity({
  name: 'Photo',
  tableName: 'photos',
  properties: {
    ...appendOnlyProperties,
    site: () => p.manyToOne(Site).deleteRule('cascade').index(),
    kind: p.enum(PHOTO_KINDS),
    /** The ticket the customer attached it to. */
    ticket: () => p.manyToOne(SupportTicket).nullable().deleteRule('set null').index(),
    width: p.integer(),
    height: p.integer(),
    variants: p.json<PhotoVariant[]>(),
    /** What the photo shows, for people who cannot see it; without one a page uses the business name. */
    alt: p.string().nullable(),
    createdBy: () => p.manyToOne(CustomerUser).nullable().deleteRule('set null'),
  },
});
export type IPhoto = InferEntity<typeof Photo>;
