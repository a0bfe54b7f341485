import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  createInvitation, hasAccount, invitationByToken, pendingInvitation, removeCollaborator, sitePeople,
} from '../../db/collaborators.js';
import { CollaboratorInvitation, CustomerUser } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { ConflictError, ForbiddenError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { acceptInvitationUpdate, cancelInvitationUpdate, invitationStartOptions, INVITATION_FAILURES } from '../../workflows/collaborator-invitation/contract.js';
import { collaboratorInvitationWorkflow } from '../../workflows/collaborator-invitation/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import { assertStrongPassword } from './accounts.js';

/** A site's collaborators and pending invitations, as the owner's page shows them. */
export interface SitePeopleDto {
  collaborators: { customer_id: string; name: string; email: string; since: string }[];
  invitations: { id: string; email: string; invited_at: string; expires_at: string }[];
}

/** The site's people, for its owner. */
export async function readSitePeople(em: EntityManager, siteId: string): Promise<SitePeopleDto> {
  const people = await sitePeople(em, siteId);
  return {
    collaborators: people.collaborators.map((c) => ({ customer_id: c.customerId, name: c.name, email: c.email, since: c.since.toISOString() })),
    invitations: people.invitations.map((i) => ({ id: i.id, email: i.email, invited_at: i.invitedAt.toISOString(), expires_at: i.expiresAt.toISOString() })),
  };
}

/** Invites `email` to collaborate on the site: the invitation is stored and its workflow (email, expiry) started. */
export async function inviteCollaborator(deps: ApiDeps, em: EntityManager, siteId: string, owner: ICustomerUser, email: string): Promise<SitePeopleDto> {
  const { config } = deps;
  const invitation = await createInvitation(em, { siteId, email, inviter: owner, expiresAt: new Date(Date.now() + config.people.invitationExpiryMs), serverKey: config.auth.jwtSecret });
  try {
    await callTemporal(deps, (client) => client.workflow.start(collaboratorInvitationWorkflow, {
      ...invitationStartOptions(invitation.id, config.people.invitationExpiryMs),
      taskQueue: config.temporal.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }), { service: 'invitations' });
  } catch (error) {
    await em.fork().nativeDelete(CollaboratorInvitation, { id: invitation.id });
    throw error;
  }
  return readSitePeople(em, siteId);
}

/** Runs an answer (a workflow update) on an invitation; an invitation no longer open is a 409 and changes nothing. */
async function answerInvitation(deps: ApiDeps, invitationId: string, answer: (handle: ReturnType<ApiDeps['temporal']['workflow']['getHandle']>) => Promise<unknown>): Promise<void> {
  const closed = () => new ConflictError('invitation_closed', 'This invitation was already answered, cancelled or has expired.');
  await callTemporal(deps, (client) => answer(client.workflow.getHandle(workflowIds.collaboratorInvitation(invitationId))), {
    service: 'invitations',
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return closed();
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      return cause instanceof ApplicationFailure && cause.type === INVITATION_FAILURES.notPending ? closed() : undefined;
    },
  });
}

/** The owner takes back a pending invitation. */
export async function cancelInvitation(deps: ApiDeps, em: EntityManager, siteId: string, invitationId: string, owner: ICustomerUser): Promise<SitePeopleDto> {
  await pendingInvitation(em, siteId, invitationId);
  await answerInvitation(deps, invitationId, (handle) => handle.executeUpdate(cancelInvitationUpdate, { args: [{ customerId: owner.id, name: owner.fullName }] }));
  return readSitePeople(em.fork(), siteId);
}

/** The owner removes a collaborator from the site. */
export async function dropCollaborator(em: EntityManager, siteId: string, collaboratorId: string, owner: ICustomerUser): Promise<SitePeopleDto> {
  await removeCollaborator(em, siteId, collaboratorId, owner);
  return readSitePeople(em.fork(), siteId);
}

/** What the invitation page shows before the invitee answers. */
export interface InvitationDto {
  site_title: string;
  inviter_name: string;
  email: string;
  has_account: boolean;
  expires_at: string;
}

/** The invitation a link opens (400 when it is not valid any more). */
export async function readInvitation(em: EntityManager, token: string): Promise<InvitationDto> {
  const invitation = await invitationByToken(em, token);
  return {
    site_title: invitation.site.title, inviter_name: invitation.invitedBy?.fullName ?? 'The owner', email: invitation.email,
    has_account: await hasAccount(em, invitation.email), expires_at: invitation.expiresAt.toISOString(),
  };
}

/** The signed-in invitee accepts: the link must be theirs (its address is their account's). Answers the site's id. */
export async function acceptAsCustomer(deps: ApiDeps, em: EntityManager, token: string, customer: ICustomerUser): Promise<{ site_id: string }> {
  const invitation = await invitationByToken(em, token);
  if (invitation.email !== customer.email) {
    throw new ForbiddenError('invitation_for_someone_else', `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`);
  }
  await answerInvitation(deps, invitation.id, (handle) => handle.executeUpdate(acceptInvitationUpdate, { args: [{ customerId: customer.id }] }));
  return { site_id: invitation.site.id };
}

/**
 * An invitee without an account accepts by creating one: the emailed link proves the address, so it counts as
 * confirmed. 409 `account_exists` when the address has an account (sign in to accept instead).
 */
export async function acceptWithNewAccount(deps: ApiDeps, em: EntityManager, input: { token: string; fullName: string; password: string }): Promise<ICustomerUser> {
  const invitation = await invitationByToken(em, input.token);
  if (await hasAccount(em, invitation.email)) throw new ConflictError('account_exists', 'This address already has a WebMagic account: sign in to accept the invitation.');
  assertStrongPassword(input.password, invitation.email);
  const customer = em.create(CustomerUser, { email: invitation.email, fullName: input.fullName, passwordHash: await hashPassword(input.password), emailVerifiedAt: new Date() });
  await em.flush();
  await answerInvitation(deps, invitation.id, (handle) => handle.executeUpdate(acceptInvitationUpdate, { args: [{ customerId: customer.id }] }));
  return customer;
}

