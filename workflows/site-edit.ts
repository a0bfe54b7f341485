import { allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, getExternalWorkflowHandle, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { DraftResult, createSiteEditActivities } from '../activities/site-edits.js';
import type { EditRequestStatus } from '../db/entities/edit-request.entity.js';
import type { SiteContent } from '../lib/site-editor/content.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { customerRepliedSignal } from './support-ticket/contract.js';

/** Start arguments: the request and the configured waiting times. */
export interface SiteEditInput {
  editRequestId: string;
  /** The ticket the request came from, handed back to an agent when the owner rejects or the editor cannot help. */
  ticketId?: string;
  reminderMs: number;
  expiryMs: number;
}

/** What the state query and the updates answer. */
export interface SiteEditState {
  status: EditRequestStatus;
  versionId: string | null;
  versionNumber: number | null;
  summary: string | null;
  reason: string | null;
}

/** A hand-written draft from an agent. */
export interface AgentDraft {
  content: SiteContent;
  summary: string;
}

/** The owner approves the preview: it is published, or re-drafted when the live site changed meanwhile. */
export const approveEditUpdate = defineUpdate<SiteEditState>('approveEdit');
/** The owner rejects the preview, with a reason for the agent. */
export const rejectEditUpdate = defineUpdate<SiteEditState, [{ reason: string }]>('rejectEdit');
/** An agent supplies the draft the editor could not write (or a better one). */
export const agentDraftUpdate = defineUpdate<SiteEditState, [AgentDraft]>('agentDraft');
/** Current state of the edit. */
export const siteEditStateQuery = defineQuery<SiteEditState>('siteEditState');

const edits = proxyActivities<ReturnType<typeof createSiteEditActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['NoDraft'] },
});

type Decision = { kind: 'approve' } | { kind: 'reject'; reason: string };

const ENDED: EditRequestStatus[] = ['published', 'rejected', 'expired', 'refused'];

/**
 * A site edit (`edit:<editRequestId>`): the editor drafts an unpublished version, the owner gets a private preview
 * and approves or rejects it (reminded once, discarded at expiry); what the editor cannot do waits for an agent's draft.
 */
export async function siteEditWorkflow(input: SiteEditInput): Promise<SiteEditState> {
  const result = await runSiteEdit(input);
  await condition(allHandlersFinished);
  return result;
}

async function runSiteEdit(input: SiteEditInput): Promise<SiteEditState> {
  const state: SiteEditState = { status: 'generating', versionId: null, versionNumber: null, summary: null, reason: null };
  let decision = null as Decision | null;
  let agentDraft = null as AgentDraft | null;
  // Each update waits until the main loop has acted on it: `asked` counts accepted updates, `settled` those acted on.
  let asked = 0;
  let settled = 0;
  let taken = 0;
  const answer = async (): Promise<SiteEditState> => {
    const mine = ++asked;
    await condition(() => settled >= mine);
    return state;
  };

  setHandler(siteEditStateQuery, () => state);
  setHandler(approveEditUpdate, async () => {
    decision = { kind: 'approve' };
    return answer();
  }, { validator: () => requireAwaiting('approve') });
  setHandler(rejectEditUpdate, async ({ reason }) => {
    decision = { kind: 'reject', reason };
    return answer();
  }, { validator: (_rejection) => requireAwaiting('reject') });
  setHandler(agentDraftUpdate, async (draft) => {
    agentDraft = draft;
    return answer();
  }, {
    validator: (_draft) => {
      if (ENDED.includes(state.status) || agentDraft !== null || decision !== null) throw ApplicationFailure.nonRetryable(`the edit request is ${state.status}`, 'EditNotOpen');
    },
  });

  function requireAwaiting(action: string): void {
    if (state.status !== 'awaiting_approval' || decision !== null || agentDraft !== null) {
      throw ApplicationFailure.nonRetryable(`cannot ${action}: the edit request is ${state.status}`, 'EditNotAwaitingApproval');
    }
  }

  const blocked = await edits.checkSiteEditable(input.editRequestId);
  if (blocked) {
    await end('refused', blocked, 'refused');
    await handToAgent('refused');
    return state;
  }

  let draft: DraftResult;
  try {
    draft = await edits.draftEditVersion({ editRequestId: input.editRequestId, expiresInMs: input.expiryMs });
  } catch (error) {
    // An editor that keeps failing (provider down past the retries) leaves the request to an agent.
    draft = { kind: 'needs_agent', reason: `the editor failed: ${String(error)}`.slice(0, 300) };
  }
  for (;;) {
    if (draft.kind === 'needs_agent') {
      await edits.setEditStatus({ editRequestId: input.editRequestId, status: 'needs_agent' });
      state.status = 'needs_agent';
      state.reason = draft.reason;
      await notify({ editRequestId: input.editRequestId, notice: 'needs_agent' });
      await handToAgent('needs-agent');
      if (!(await condition(() => agentDraft !== null, input.expiryMs))) return end('expired', 'no draft was written in time', 'expired');
      draft = await takeAgentDraft();
      continue;
    }
    showDraft(draft);
    await notify({ editRequestId: input.editRequestId, notice: 'draft_ready' });
    settled = taken;
    let answered = await condition(() => decision !== null || agentDraft !== null, input.reminderMs);
    if (!answered) {
      await notify({ editRequestId: input.editRequestId, notice: 'reminder' });
      answered = await condition(() => decision !== null || agentDraft !== null, input.expiryMs - input.reminderMs);
    }
    if (!answered) return discard('expired', 'the preview was not approved in time', 'expired');
    if (agentDraft) {
      draft = await takeAgentDraft();
      continue;
    }
    const chosen = decision as Decision;
    decision = null;
    taken = asked;
    if (chosen.kind === 'reject') {
      await discard('rejected', chosen.reason, 'rejected');
      await handToAgent('rejected');
      return state;
    }
    const published = await edits.publishEditDraft(input.editRequestId);
    if (published.kind === 'published') return end('published', null, 'published');
    if (published.kind === 'not_editable') return discard('refused', published.reason, 'refused');
    draft = await edits.draftEditVersion({ editRequestId: input.editRequestId, expiresInMs: input.expiryMs, rebase: true });
    if (draft.kind === 'needs_agent') {
      return discard('refused', `the live site changed after this preview was drafted and the change cannot be redone on it: ${draft.reason}`, 'refused');
    }
    state.reason = 'the live site changed after this preview was drafted; it was re-drafted on the current version and needs a new approval';
  }

  /** A notice that cannot be delivered (a rejected address) must not stop the edit. */
  async function notify(notice: Parameters<typeof edits.sendEditNotice>[0]): Promise<void> {
    try {
      await edits.sendEditNotice(notice);
    } catch (error) {
      log.warn('edit notice not delivered', { editRequestId: input.editRequestId, notice: notice.notice, error: String(error) });
    }
  }

  function showDraft(d: Extract<DraftResult, { kind: 'draft' }>): void {
    state.status = 'awaiting_approval';
    state.versionId = d.versionId;
    state.versionNumber = d.versionNumber;
    state.summary = d.summary;
  }

  async function takeAgentDraft(): Promise<DraftResult> {
    const next = agentDraft as AgentDraft;
    agentDraft = null;
    taken = asked;
    return edits.saveAgentDraft({ editRequestId: input.editRequestId, content: next.content, summary: next.summary, expiresInMs: input.expiryMs });
  }

  async function handToAgent(step: string): Promise<void> {
    if (!input.ticketId) return;
    await getExternalWorkflowHandle(workflowIds.ticket(input.ticketId)).signal(customerRepliedSignal, { messageId: `edit:${input.editRequestId}:${step}` }).catch(() => undefined);
  }

  async function discard(status: EditRequestStatus, reason: string, notice: 'expired' | 'rejected' | 'refused'): Promise<SiteEditState> {
    await edits.discardEditDraft({ editRequestId: input.editRequestId, status, decision: reason });
    return end(status, reason, notice, true);
  }

  async function end(status: EditRequestStatus, reason: string | null, notice: 'published' | 'expired' | 'rejected' | 'refused', stored = false): Promise<SiteEditState> {
    if (!stored) await edits.setEditStatus({ editRequestId: input.editRequestId, status, ...(reason === null ? {} : { decision: reason }) });
    state.status = status;
    state.reason = reason;
    await notify({ editRequestId: input.editRequestId, notice, ...(reason === null ? {} : { detail: reason }) });
    settled = asked;
    return state;
  }
}
