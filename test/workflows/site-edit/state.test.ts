import { describe, expect, it } from 'vitest';
import type { SiteContent } from '../../../lib/site-editor/content.js';
import { SiteEditProgress } from '../../../workflows/site-edit/state.js';

const draft = { kind: 'draft' as const, versionId: 'v-2', versionNumber: 2, summary: 'New headline' };
const agentDraft = { content: {} as SiteContent, summary: 'Written by an agent' };

function awaitingApproval(): SiteEditProgress {
  const progress = new SiteEditProgress();
  progress.showDraft(draft);
  return progress;
}

describe('SiteEditProgress: which updates are accepted', () => {
  it('refuses approve and reject until a draft awaits approval, naming the status', () => {
    const progress = new SiteEditProgress();
    expect(progress.decisionRefusal('approve')).toEqual({ type: 'EditNotAwaitingApproval', message: 'cannot approve: the edit request is generating' });
    progress.needsAgent('the editor cannot change the logo');
    expect(progress.decisionRefusal('reject')).toEqual({ type: 'EditNotAwaitingApproval', message: 'cannot reject: the edit request is needs_agent' });
    progress.showDraft(draft);
    expect(progress.decisionRefusal('approve')).toBeNull();
  });

  it('takes one answer at a time: a second decision or an agent draft waits until the first is taken in', () => {
    const progress = awaitingApproval();
    progress.decide({ kind: 'approve' });
    expect(progress.decisionRefusal('reject')?.type).toBe('EditNotAwaitingApproval');
    expect(progress.agentDraftRefusal()).toEqual({ type: 'EditNotOpen', message: 'the edit request is awaiting_approval' });
    expect(progress.takeDecision()).toEqual({ kind: 'approve' });
    expect(progress.decisionRefusal('reject')).toBeNull();

    progress.receiveAgentDraft(agentDraft);
    expect(progress.decisionRefusal('approve')?.type).toBe('EditNotAwaitingApproval');
    expect(progress.agentDraftRefusal()?.type).toBe('EditNotOpen');
  });

  it('refuses an agent draft once the edit ended, and accepts one while it is open', () => {
    const progress = new SiteEditProgress();
    expect(progress.agentDraftRefusal()).toBeNull();
    for (const status of ['published', 'rejected', 'expired', 'refused'] as const) {
      progress.end(status, null);
      expect(progress.agentDraftRefusal()).toEqual({ type: 'EditNotOpen', message: `the edit request is ${status}` });
    }
  });
});

describe('SiteEditProgress: answers and state', () => {
  it('counts an answer from the owner or an agent, and hands each over once', () => {
    const progress = awaitingApproval();
    expect(progress.answered).toBe(false);
    progress.decide({ kind: 'reject', reason: 'wrong colour' });
    expect(progress.answered).toBe(true);
    expect(progress.takeDecision()).toEqual({ kind: 'reject', reason: 'wrong colour' });
    expect(progress.answered).toBe(false);

    progress.receiveAgentDraft(agentDraft);
    expect(progress.hasAgentDraft).toBe(true);
    expect(progress.takeAgentDraft()).toBe(agentDraft);
    expect(progress.hasAgentDraft).toBe(false);
    expect(progress.answered).toBe(false);
  });

  it('answers an update once the run acted on it: a taken-in draft when the next preview shows, any update when the edit ends', () => {
    const progress = awaitingApproval();
    const draftTurn = progress.receiveAgentDraft(agentDraft);
    progress.takeAgentDraft();
    const lateTurn = progress.decide({ kind: 'approve' });
    expect(progress.isSettled(draftTurn)).toBe(false);
    progress.settleTaken();
    expect(progress.isSettled(draftTurn)).toBe(true);
    expect(progress.isSettled(lateTurn)).toBe(false);
    progress.end('published', null);
    progress.settleAll();
    expect(progress.isSettled(lateTurn)).toBe(true);
  });

  it('shows the draft, why it waits for an agent or was re-drafted, and how the edit ended', () => {
    const progress = new SiteEditProgress();
    expect(progress.state()).toEqual({ status: 'generating', versionId: null, versionNumber: null, summary: null, reason: null });
    progress.needsAgent('the editor cannot change the logo');
    expect(progress.state()).toMatchObject({ status: 'needs_agent', reason: 'the editor cannot change the logo' });
    progress.showDraft(draft);
    expect(progress.state()).toMatchObject({ status: 'awaiting_approval', versionId: 'v-2', versionNumber: 2, summary: 'New headline' });
    progress.redrafted();
    expect(progress.state().reason).toContain('re-drafted on the current version');
    progress.end('rejected', 'wrong colour');
    expect(progress.state()).toMatchObject({ status: 'rejected', reason: 'wrong colour', versionId: 'v-2' });
  });
});
