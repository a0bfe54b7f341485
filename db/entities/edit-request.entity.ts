import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { SiteChange } from '../../lib/site-editor/content.js';
import { baseProperties } from './base.js';
import { Site } from './site.entity.js';
import { SiteVersion } from './site-version.entity.js';
import { CustomerUser } from './customer-user.entity.js';
import { SupportTicket } from './support-ticket.entity.js';

/** Steps of a "please change my site" request. */
export const EDIT_REQUEST_STATUSES = ['pending', 'generating', 'awaiting_approval', 'published', 'rejected', 'expired', 'needs_agent', 'refused'] as const;
/** One step of an edit request. */
export type EditRequestStatus = (typeof EDIT_REQUEST_STATUSES)[number];

/** A customer's request to change their site, answered with a preview version to approve. */
export const EditRequest = defineEntity({
  name: 'EditRequest',
  tableName: 'edit_requests',
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site),
    ticket: () => p.manyToOne(SupportTicket).nullable(),
    requestText: p.text(),
    /** Changes the requester chose exactly (the design picker, placing or removing photos): drafted as given, without the editor. */
    changes: p.json<SiteChange[]>().nullable(),
    status: p.enum(EDIT_REQUEST_STATUSES).default('pending'),
    previewVersion: () => p.manyToOne(SiteVersion).nullable(),
    decision: p.string().nullable(),
    decidedAt: p.datetime().nullable(),
    requestedBy: () => p.manyToOne(CustomerUser).nullable(),
    /** The live version the preview was drafted on; publishing over a newer live version is refused. */
    baseVersion: () => p.manyToOne(SiteVersion).nullable(),
    /** SHA-256 of the private preview token; the token itself is only in the owner's email. */
    previewTokenHash: p.string().length(64).nullable().unique(),
    expiresAt: p.datetime().nullable(),
    /** An agent's written answer to the owner (a request the editor handed over, or a rejected preview). */
    agentAnswer: p.text().nullable(),
    agentAnsweredAt: p.datetime().nullable(),
    agentAnsweredBy: p.string().nullable(),
  },
});
export type IEditRequest = InferEntity<typeof EditRequest>;
