import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { workflowIds } from '../../lib/workflow-ids.js';

/** Start arguments: the stored invitation (no email address or token enters the history) and how long it stays open. */
export interface CollaboratorInvitationInput {
  invitationId: string;
  expiryMs: number;
}

/** Where the invitation stands. */
export type InvitationOutcome = 'pending' | 'accepted' | 'cancelled' | 'expired';

/** What the state query and the updates answer. */
export interface CollaboratorInvitationState {
  status: InvitationOutcome;
  acceptedBy: string | null;
}

/** Failure types the API maps to HTTP answers. */
export const INVITATION_FAILURES = { notPending: 'invitation_not_pending' } as const;

/** The invitee (signed in, or just registered from the link) accepts; answers once they collaborate on the site. */
export const acceptInvitationUpdate = defineUpdate<CollaboratorInvitationState, [{ customerId: string }]>('acceptInvitation');
/** The owner takes the invitation back; answers once it is closed. */
export const cancelInvitationUpdate = defineUpdate<CollaboratorInvitationState, [{ customerId: string; name: string }]>('cancelInvitation');
/** Current state of the invitation. */
export const invitationStateQuery = defineQuery<CollaboratorInvitationState>('invitationState');

/** How the API starts an invitation's workflow, the task queue aside. */
export function invitationStartOptions(invitationId: string, expiryMs: number) {
  return { workflowId: workflowIds.collaboratorInvitation(invitationId), args: [{ invitationId, expiryMs }] as [CollaboratorInvitationInput] };
}
