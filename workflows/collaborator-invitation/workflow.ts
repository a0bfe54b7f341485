import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createCollaboratorActivities } from '../../activities/collaborators.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from '../activity-options.js';
import { acceptInvitationUpdate, cancelInvitationUpdate, invitationStateQuery, type CollaboratorInvitationInput, type CollaboratorInvitationState } from './contract.js';
import { InvitationProgress } from './state.js';

const people = proxyActivities<ReturnType<typeof createCollaboratorActivities>>(databaseActivityOptions());
const mail = proxyActivities<ReturnType<typeof createCollaboratorActivities>>(EMAIL_ACTIVITY_OPTIONS);

/**
 * An owner's invitation to collaborate on a site (`invitation:<invitationId>`): emails the invitee a link, then waits
 * for them to accept or the owner to cancel, until the expiry closes it.
 */
export async function collaboratorInvitationWorkflow(input: CollaboratorInvitationInput): Promise<CollaboratorInvitationState> {
  const progress = new InvitationProgress();
  const refuse = (_answer: unknown) => {
    const refusal = progress.refusal();
    if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
  };
  const settled = async () => {
    await condition(() => progress.closed);
    return progress.state();
  };
  setHandler(invitationStateQuery, () => progress.state());
  setHandler(acceptInvitationUpdate, async ({ customerId }) => {
    progress.answer({ kind: 'accept', customerId });
    return settled();
  }, { validator: refuse });
  setHandler(cancelInvitationUpdate, async ({ customerId, name }) => {
    progress.answer({ kind: 'cancel', customerId, name });
    return settled();
  }, { validator: refuse });

  try {
    await mail.sendInvitationEmail({ invitationId: input.invitationId });
  } catch {
    // An address that can never receive it (an operator case is raised) leaves the invitation open until it expires or is cancelled.
  }
  if (!(await condition(() => progress.answered, input.expiryMs))) {
    await people.closeInvitation({ invitationId: input.invitationId, status: 'expired' });
    progress.end('expired');
  } else {
    const answer = progress.takeAnswer();
    if (answer.kind === 'accept') {
      await people.acceptInvitation({ invitationId: input.invitationId, customerId: answer.customerId });
      progress.end('accepted', answer.customerId);
    } else {
      await people.closeInvitation({ invitationId: input.invitationId, status: 'cancelled', by: { customerId: answer.customerId, name: answer.name } });
      progress.end('cancelled');
    }
  }
  await condition(allHandlersFinished);
  return progress.state();
}
