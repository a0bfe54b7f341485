import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EditRequestStatus } from '../../db/entities/edit-request.entity.js';
import type { SiteContent } from '../../lib/site-editor/content.js';

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
