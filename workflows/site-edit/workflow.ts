import { allHandlersFinished, ApplicationFailure, condition, getExternalWorkflowHandle, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { DraftResult, createSiteEditActivities } from '../../activities/site-edits.js';
import type { EditRequestStatus } from '../../db/entities/edit-request.entity.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { customerRepliedSignal } from '../support-ticket/contract.js';
import { agentDraftUpdate, approveEditUpdate, rejectEditUpdate, siteEditStateQuery, type SiteEditInput, type SiteEditState } from './contract.js';
import { SiteEditProgress, type EditRefusal } from './state.js';

const edits = proxyActivities<ReturnType<typeof createSiteEditActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['NoDraft'] },
});

type Draft = Extract<DraftResult, { kind: 'draft' }>;
type EndNotice = 'published' | 'expired' | 'rejected' | 'refused';

/**
 * A site edit (`edit:<editRequestId>`): the editor drafts an unpublished version, the owner gets a private preview
 * and approves or rejects it (reminded once, discarded at expiry); what the editor cannot do waits for an agent's draft.
 */
export async function siteEditWorkflow(input: SiteEditInput): Promise<SiteEditState> {
  const progress = new SiteEditProgress();
  const run = new SiteEditRun(input, progress);
  run.listen();
  await run.untilEnded();
  await condition(allHandlersFinished);
  return progress.state();
}

function refuse(refusal: EditRefusal | null): void {
  if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
}

/** One edit run: message handlers, the drafts shown to the owner, and their side effects. */
class SiteEditRun {
  private readonly id: string;

  constructor(
    private readonly input: SiteEditInput,
    private readonly progress: SiteEditProgress,
  ) {
    this.id = input.editRequestId;
  }

  /** Wires the query and the approve, reject and agent-draft updates; each update answers once the run acted on it. */
  listen(): void {
    const { progress } = this;
    const answer = async (turn: number): Promise<SiteEditState> => {
      await condition(() => progress.isSettled(turn));
      return progress.state();
    };
    setHandler(siteEditStateQuery, () => progress.state());
    setHandler(approveEditUpdate, async () => answer(progress.decide({ kind: 'approve' })), { validator: () => refuse(progress.decisionRefusal('approve')) });
    setHandler(rejectEditUpdate, async ({ reason }) => answer(progress.decide({ kind: 'reject', reason })), {
      validator: (_rejection) => refuse(progress.decisionRefusal('reject')),
    });
    setHandler(agentDraftUpdate, async (draft) => answer(progress.receiveAgentDraft(draft)), { validator: (_draft) => refuse(progress.agentDraftRefusal()) });
  }

  /** Drafts the edit and shows each draft until one is published, or the edit is rejected, refused or expires. */
  async untilEnded(): Promise<void> {
    const blocked = await edits.checkSiteEditable(this.id);
    if (blocked) {
      await this.end('refused', blocked, 'refused');
      await this.handToAgent('refused');
      return;
    }
    let draft: DraftResult | null = await this.firstDraft();
    while (draft) draft = draft.kind === 'needs_agent' ? await this.waitForAgent(draft.reason) : await this.offer(draft);
  }

  private async firstDraft(): Promise<DraftResult> {
    try {
      return await edits.draftEditVersion({ editRequestId: this.id, expiresInMs: this.input.expiryMs });
    } catch (error) {
      // An editor that keeps failing (provider down past the retries) leaves the request to an agent.
      return { kind: 'needs_agent', reason: `the editor failed: ${String(error)}`.slice(0, 300) };
    }
  }

  /** The editor could not help: an agent is asked for a draft; answers it, or null when none came in time. */
  private async waitForAgent(reason: string): Promise<DraftResult | null> {
    const { progress } = this;
    await edits.setEditStatus({ editRequestId: this.id, status: 'needs_agent' });
    progress.needsAgent(reason);
    await this.notify({ editRequestId: this.id, notice: 'needs_agent' });
    await this.handToAgent('needs-agent');
    if (!(await condition(() => progress.hasAgentDraft, this.input.expiryMs))) {
      await this.end('expired', 'no draft was written in time', 'expired');
      return null;
    }
    return this.saveAgentDraft();
  }

  /** Shows `draft` to the owner (reminding once); answers the next draft, or null when the edit ended. */
  private async offer(draft: Draft): Promise<DraftResult | null> {
    const { input, progress } = this;
    progress.showDraft(draft);
    await this.notify({ editRequestId: this.id, notice: 'draft_ready' });
    progress.settleTaken();
    let answered = await condition(() => progress.answered, input.reminderMs);
    if (!answered) {
      await this.notify({ editRequestId: this.id, notice: 'reminder' });
      answered = await condition(() => progress.answered, input.expiryMs - input.reminderMs);
    }
    if (!answered) {
      await this.discard('expired', 'the preview was not approved in time', 'expired');
      return null;
    }
    if (progress.hasAgentDraft) return this.saveAgentDraft();
    const chosen = progress.takeDecision();
    if (chosen.kind === 'approve') return this.publish();
    await this.discard('rejected', chosen.reason, 'rejected');
    await this.handToAgent('rejected');
    return null;
  }

  /** Publishes the approved draft; when the live site changed meanwhile, answers the draft re-done on it (or refuses). */
  private async publish(): Promise<DraftResult | null> {
    const published = await edits.publishEditDraft(this.id);
    if (published.kind === 'published') {
      await this.end('published', null, 'published');
      return null;
    }
    if (published.kind === 'not_editable') {
      await this.discard('refused', published.reason, 'refused');
      return null;
    }
    const draft = await edits.draftEditVersion({ editRequestId: this.id, expiresInMs: this.input.expiryMs, rebase: true });
    if (draft.kind === 'needs_agent') {
      await this.discard('refused', `the live site changed after this preview was drafted and the change cannot be redone on it: ${draft.reason}`, 'refused');
      return null;
    }
    this.progress.redrafted();
    return draft;
  }

  private async saveAgentDraft(): Promise<DraftResult> {
    const { content, summary } = this.progress.takeAgentDraft();
    return edits.saveAgentDraft({ editRequestId: this.id, content, summary, expiresInMs: this.input.expiryMs });
  }

  /** A notice that cannot be delivered (a rejected address) must not stop the edit. */
  private async notify(notice: Parameters<typeof edits.sendEditNotice>[0]): Promise<void> {
    try {
      await edits.sendEditNotice(notice);
    } catch (error) {
      log.warn('edit notice not delivered', { editRequestId: this.id, notice: notice.notice, error: String(error) });
    }
  }

  private async handToAgent(step: string): Promise<void> {
    if (!this.input.ticketId) return;
    await getExternalWorkflowHandle(workflowIds.ticket(this.input.ticketId)).signal(customerRepliedSignal, { messageId: `edit:${this.id}:${step}` }).catch(() => undefined);
  }

  private async discard(status: EditRequestStatus, reason: string, notice: EndNotice): Promise<void> {
    await edits.discardEditDraft({ editRequestId: this.id, status, decision: reason });
    await this.end(status, reason, notice, true);
  }

  private async end(status: EditRequestStatus, reason: string | null, notice: EndNotice, stored = false): Promise<void> {
    if (!stored) await edits.setEditStatus({ editRequestId: this.id, status, ...(reason === null ? {} : { decision: reason }) });
    this.progress.end(status, reason);
    await this.notify({ editRequestId: this.id, notice, ...(reason === null ? {} : { detail: reason }) });
    this.progress.settleAll();
  }
}
