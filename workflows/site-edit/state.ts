import type { DraftResult } from '../../activities/site-edits.js';
import type { EditRequestStatus } from '../../db/entities/edit-request.entity.js';
import type { AgentDraft, SiteEditState } from './contract.js';

/** The owner's answer to a preview. */
export type Decision = { kind: 'approve' } | { kind: 'reject'; reason: string };

/** An update the edit refuses: the failure type and a sentence. */
export interface EditRefusal {
  type: 'EditNotAwaitingApproval' | 'EditNotOpen';
  message: string;
}

const ENDED: readonly EditRequestStatus[] = ['published', 'rejected', 'expired', 'refused'];

/**
 * The decisions of one site edit, without I/O: which updates are accepted, what the owner or an agent answered,
 * what the state query shows, and when each update is answered. The workflow shell applies them.
 *
 * Each update waits until the run has acted on it: `asked` counts accepted updates, `taken` those the run has
 * taken in, `settled` those it has acted on (their answer then shows the outcome).
 */
export class SiteEditProgress {
  private readonly view: SiteEditState = { status: 'generating', versionId: null, versionNumber: null, summary: null, reason: null };
  private decision: Decision | null = null;
  private agentDraft: AgentDraft | null = null;
  private asked = 0;
  private taken = 0;
  private settled = 0;

  /** What the state query and the updates answer. */
  state(): SiteEditState {
    return this.view;
  }

  /** Why the owner cannot `action` the preview now (it is not awaiting approval, or already answered), or null. */
  decisionRefusal(action: Decision['kind']): EditRefusal | null {
    if (this.view.status === 'awaiting_approval' && this.decision === null && this.agentDraft === null) return null;
    return { type: 'EditNotAwaitingApproval', message: `cannot ${action}: the edit request is ${this.view.status}` };
  }

  /** Why an agent's draft is refused now (the edit ended, or an answer is waiting), or null. */
  agentDraftRefusal(): EditRefusal | null {
    if (!ENDED.includes(this.view.status) && this.agentDraft === null && this.decision === null) return null;
    return { type: 'EditNotOpen', message: `the edit request is ${this.view.status}` };
  }

  /** The owner decided; answers the update's turn (see `isSettled`). */
  decide(decision: Decision): number {
    this.decision = decision;
    return ++this.asked;
  }

  /** An agent wrote a draft; answers the update's turn (see `isSettled`). */
  receiveAgentDraft(draft: AgentDraft): number {
    this.agentDraft = draft;
    return ++this.asked;
  }

  /** True once the run has acted on the update of `turn`, so its answer shows the outcome. */
  isSettled(turn: number): boolean {
    return this.settled >= turn;
  }

  /** True when an agent's draft waits to be taken in. */
  get hasAgentDraft(): boolean {
    return this.agentDraft !== null;
  }

  /** True when the preview has an answer: the owner's decision or an agent's draft. */
  get answered(): boolean {
    return this.decision !== null || this.agentDraft !== null;
  }

  /** Takes in the agent's draft (it replaces the preview). */
  takeAgentDraft(): AgentDraft {
    const draft = this.agentDraft as AgentDraft;
    this.agentDraft = null;
    this.taken = this.asked;
    return draft;
  }

  /** Takes in the owner's decision. */
  takeDecision(): Decision {
    const decision = this.decision as Decision;
    this.decision = null;
    this.taken = this.asked;
    return decision;
  }

  /** The editor could not write the draft: the edit waits for an agent's. */
  needsAgent(reason: string): void {
    this.view.status = 'needs_agent';
    this.view.reason = reason;
  }

  /** A draft awaits the owner's approval. */
  showDraft(draft: Extract<DraftResult, { kind: 'draft' }>): void {
    this.view.status = 'awaiting_approval';
    this.view.versionId = draft.versionId;
    this.view.versionNumber = draft.versionNumber;
    this.view.summary = draft.summary;
  }

  /** The approved preview was re-drafted on a newer live version: it needs a new approval. */
  redrafted(): void {
    this.view.reason = 'the live site changed after this preview was drafted; it was re-drafted on the current version and needs a new approval';
  }

  /** The edit ended in `status`, for `reason`. */
  end(status: EditRequestStatus, reason: string | null): void {
    this.view.status = status;
    this.view.reason = reason;
  }

  /** The updates taken in so far are answered (with the draft now shown). */
  settleTaken(): void {
    this.settled = this.taken;
  }

  /** Every accepted update is answered (the edit ended). */
  settleAll(): void {
    this.settled = this.asked;
  }
}
