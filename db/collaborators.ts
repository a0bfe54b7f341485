import type { EntityManager } from '@mikro-orm/postgresql';
import { derivedToken, hashToken } from '../lib/auth/secrets.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import { recordAudit, SYSTEM_ACTOR, type AuditActor } from './audit-log.js';
import { CollaboratorInvitation, CustomerSiteOwnership, CustomerUser, Site } from './entities/index.js';
import type { ICollaboratorInvitation, InvitationStatus } from './entities/collaborator-invitation.entity.js';
import type { ICustomerUser } from './entities/customer-user.entity.js';

/** The secret of an invitation's emailed link: derived from the server key and the invitation id, so only its hash is stored and a retried email carries the same link. */
export function invitationToken(serverKey: string, invitationId: string): string {
  return derivedToken(serverKey, `collaborator_invitation:${invitationId}`);
}

/** The person an audit entry names for a customer acting in the portal. */
export function customerActor(customer: Pick<ICustomerUser, 'id' | 'fullName'>): AuditActor {
  return { kind: 'customer', id: customer.id, name: customer.fullName };
}

/**
 * Stores a pending invitation of `email` to collaborate on the site, with its link's token hash, and audits it. 409 when
 * the person already holds a role on the site or a pending invitation exists for them.
 */
export async function createInvitation(
  em: EntityManager,
  input: { siteId: string; email: string; inviter: ICustomerUser; expiresAt: Date; serverKey: string },
): Promise<ICollaboratorInvitation> {
  const holder = await em.findOne(CustomerSiteOwnership, { site: input.siteId, customer: { email: input.email } });
  if (holder) throw new ConflictError('already_collaborating', holder.role === 'owner' ? 'That address is the owner of this site.' : 'That person already collaborates on this site.');
  if (await em.count(CollaboratorInvitation, { site: input.siteId, email: input.email, status: 'pending' })) {
    throw new ConflictError('invitation_pending', 'That person already has a pending invitation to this site; cancel it first to send a new one.');
  }
  const invitation = em.create(CollaboratorInvitation, { site: input.siteId, email: input.email, invitedBy: input.inviter, tokenHash: 'pending', expiresAt: input.expiresAt });
  invitation.tokenHash = hashToken(invitationToken(input.serverKey, invitation.id));
  recordAudit(em, { actor: customerActor(input.inviter), action: 'collaborator.invited', customerId: input.inviter.id, siteId: input.siteId, details: { invitationId: invitation.id } });
  await em.flush();
  return invitation;
}

/** The pending, unexpired invitation a link's token opens; a 400 naming what is wrong otherwise. */
export async function invitationByToken(em: EntityManager, token: string, now = new Date()): Promise<ICollaboratorInvitation> {
  const invitation = await em.findOne(CollaboratorInvitation, { tokenHash: hashToken(token) }, { populate: ['site', 'invitedBy'] });
  if (!invitation) throw new ValidationError('invalid_token', 'This invitation link is not valid. Ask the site’s owner to invite you again.');
  if (invitation.status === 'accepted') throw new ValidationError('invalid_token', 'This invitation has already been accepted. Sign in to see the site.');
  if (invitation.status !== 'pending' || invitation.expiresAt.getTime() <= now.getTime()) {
    throw new ValidationError('invalid_token', 'This invitation has expired or was cancelled. Ask the site’s owner to invite you again.');
  }
  return invitation;
}

/** Whether `email` has an account (the invitation page asks for a password or for a new account). */
export async function hasAccount(em: EntityManager, email: string): Promise<boolean> {
  return (await em.count(CustomerUser, { email })) > 0;
}

/**
 * Makes the invitee a collaborator (primary site when they hold no other) and closes the invitation, once: a retry
 * finds it accepted and changes nothing. A person who meanwhile got a role on the site keeps it.
 */
export async function acceptInvitation(em: EntityManager, invitationId: string, customerId: string, now = new Date()): Promise<void> {
  await em.transactional(async (tx) => {
    const invitation = await tx.findOneOrFail(CollaboratorInvitation, invitationId);
    if (invitation.status === 'accepted') return;
    const customer = await tx.findOneOrFail(CustomerUser, customerId);
    const held = await tx.count(CustomerSiteOwnership, { customer: customerId });
    if (!(await tx.findOne(CustomerSiteOwnership, { customer: customerId, site: invitation.site.id }))) {
      tx.create(CustomerSiteOwnership, { customer: customerId, site: invitation.site.id, role: 'collaborator', isPrimary: held === 0, acquiredAt: now });
      if (held === 0) customer.primarySite = tx.getReference(Site, invitation.site.id);
    }
    Object.assign(invitation, { status: 'accepted', answeredAt: now, acceptedBy: customerId });
    recordAudit(tx, { actor: customerActor(customer), action: 'collaborator.accepted', customerId, siteId: invitation.site.id, details: { invitationId } });
  });
}

/** Closes a still-pending invitation as cancelled (by the owner) or expired (by the workflow's timer), and audits it. */
export async function closeInvitation(em: EntityManager, invitationId: string, status: Extract<InvitationStatus, 'cancelled' | 'expired'>, actor: AuditActor = SYSTEM_ACTOR, now = new Date()): Promise<void> {
  await em.transactional(async (tx) => {
    const invitation = await tx.findOneOrFail(CollaboratorInvitation, invitationId);
    if (invitation.status !== 'pending') return;
    Object.assign(invitation, { status, answeredAt: now });
    recordAudit(tx, { actor, action: status === 'cancelled' ? 'collaborator.invitation_cancelled' : 'collaborator.invitation_expired', customerId: invitation.invitedBy?.id ?? null, siteId: invitation.site.id, details: { invitationId } });
  });
}

/** An owner's view of a site's people: its collaborators and its pending invitations. */
export interface SitePeople {
  collaborators: { customerId: string; name: string; email: string; since: Date }[];
  invitations: { id: string; email: string; expiresAt: Date; invitedAt: Date }[];
}

/** The site's collaborators and pending invitations, oldest first. */
export async function sitePeople(em: EntityManager, siteId: string): Promise<SitePeople> {
  const [held, pending] = await Promise.all([
    em.find(CustomerSiteOwnership, { site: siteId, role: 'collaborator' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } }),
    em.find(CollaboratorInvitation, { site: siteId, status: 'pending' }, { orderBy: { createdAt: 'asc' } }),
  ]);
  return {
    collaborators: held.map((o) => ({ customerId: o.customer.id, name: o.customer.fullName, email: o.customer.email, since: o.acquiredAt })),
    invitations: pending.map((i) => ({ id: i.id, email: i.email, expiresAt: i.expiresAt, invitedAt: i.createdAt })),
  };
}

/** A pending invitation of the site, or a 404 (a closed one cannot be cancelled, and another site's is not this owner's). */
export async function pendingInvitation(em: EntityManager, siteId: string, invitationId: string): Promise<ICollaboratorInvitation> {
  const invitation = await em.findOne(CollaboratorInvitation, { id: invitationId, site: siteId, status: 'pending' });
  if (!invitation) throw new NotFoundError('invitation_not_found', 'There is no pending invitation with that id on this site.');
  return invitation;
}

/** Removes a collaborator from the site (their primary site moves to their oldest remaining one) and audits it; 404 when they are not one. */
export async function removeCollaborator(em: EntityManager, siteId: string, collaboratorId: string, owner: ICustomerUser): Promise<void> {
  await em.transactional(async (tx) => {
    const held = await tx.findOne(CustomerSiteOwnership, { site: siteId, customer: collaboratorId, role: 'collaborator' }, { populate: ['customer'] });
    if (!held) throw new NotFoundError('collaborator_not_found', 'That person is not a collaborator on this site.');
    const wasPrimary = held.isPrimary;
    tx.remove(held);
    await tx.flush();
    if (wasPrimary) {
      const next = await tx.findOne(CustomerSiteOwnership, { customer: collaboratorId }, { orderBy: { acquiredAt: 'asc' } });
      if (next) next.isPrimary = true;
      held.customer.primarySite = next ? next.site : null;
    }
    recordAudit(tx, { actor: customerActor(owner), action: 'collaborator.removed', customerId: collaboratorId, siteId, details: { removedBy: owner.id } });
  });
}
