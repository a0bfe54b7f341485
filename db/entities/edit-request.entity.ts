import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';
import { SiteVersion } from './site-version.entity.js';
import { SupportTicket } from './support-ticket.entity.js';

/** Steps of a "please change my site" request. */
export const EDIT_REQUEST_STATUSES = ['pending', 'generating', 'awaiting_approval', 'published', 'rejected', 'expired'] as const;

/** A customer's request to change their site, answered with a preview version to approve. */
export const EditRequest = defineEntity({
  name: 'EditRequest',
  tableName: 'edit_requests',
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site),
    ticket: () => p.manyToOne(SupportTicket).nullable(),
    requestText: p.text(),
    status: p.enum(EDIT_REQUEST_STATUSES).default('pending'),
    previewVersion: () => p.manyToOne(SiteVersion).nullable(),
    decision: p.string().nullable(),
    decidedAt: p.datetime().nullable(),
  },
});
export type IEditRequest = InferEntity<typeof EditRequest>;
