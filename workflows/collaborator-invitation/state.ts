import type { CollaboratorInvitationState, InvitationOutcome } from './contract.js';
import { INVITATION_FAILURES } from './contract.js';

/** The answer the invitation got: accepted by a customer, or cancelled by the owner. */
export type InvitationAnswer = { kind: 'accept'; customerId: string } | { kind: 'cancel'; customerId: string; name: string };

/** The decisions of one invitation, no I/O: the first answer wins, later ones are refused. */
export class InvitationProgress {
  private status: InvitationOutcome = 'pending';
  private acceptedBy: string | null = null;
  private pendingAnswer: InvitationAnswer | null = null;

  /** Whether an answer came in (the workflow stops waiting for the expiry). */
  get answered(): boolean {
    return this.pendingAnswer !== null;
  }

  /** Whether the invitation is closed (the updates answer then). */
  get closed(): boolean {
    return this.status !== 'pending';
  }

  /** Why an answer cannot be taken now, or null. */
  refusal(): { type: string; message: string } | null {
    if (this.pendingAnswer === null && this.status === 'pending') return null;
    return { type: INVITATION_FAILURES.notPending, message: `the invitation is ${this.pendingAnswer ? 'being answered' : this.status}` };
  }

  /** Takes the answer the workflow acts on. */
  answer(answer: InvitationAnswer): void {
    this.pendingAnswer = answer;
  }

  /** The answer to act on; throws when there is none. */
  takeAnswer(): InvitationAnswer {
    if (!this.pendingAnswer) throw new Error('no answer to take');
    return this.pendingAnswer;
  }

  /** The invitation ended so. */
  end(status: Exclude<InvitationOutcome, 'pending'>, acceptedBy: string | null = null): void {
    this.status = status;
    this.acceptedBy = acceptedBy;
  }

  /** What the query and the updates answer. */
  state(): CollaboratorInvitationState {
    return { status: this.status, acceptedBy: this.acceptedBy };
  }
}
