import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';

/** Where an invitation to collaborate on a site stands. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'cancelled', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * An owner's invitation of a person (by email) to collaborate on a site, answered from an emailed link within the
 * invitation workflow's expiry. The link's token is derived from the server key and the invitation id; only its hash is kept.
 */
export const CollaboratorInvitation = defineEntity({
  name: 'CollaboratorInvitation',
  tableName: 'collaborator_invitations',
  uniques: [{ name: 'collaborator_invitations_one_pending', properties: ['site', 'email'], where: { status: 'pending' } }],
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    email: p.string().check('email = lower(email)'),
    invitedBy: () => p.manyToOne(CustomerUser).nullable().deleteRule('set null'),
    tokenHash: p.string().unique(),
    status: p.enum(INVITATION_STATUSES).default('pending'),
    expiresAt: p.datetime(),
    answeredAt: p.datetime().nullable(),
    acceptedBy: () => p.manyToOne(CustomerUser).nullable().deleteRule('set null'),
  },
});
export type ICollaboratorInvitation = InferEntity<typeof CollaboratorInvitation>;
