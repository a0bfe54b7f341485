import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { workflowIds } from '../../lib/workflow-ids.js';

/** Start arguments: the stored erasure request (no personal data enters the history) and its undo window (0: at once). */
export interface AccountErasureInput {
  erasureRequestId: string;
  undoWindowMs: number;
}

/** Where the erasure stands. */
export type ErasureStage = 'pending' | 'erasing' | 'cancelled' | 'completed';

/** What the state query and the undo update answer. */
export interface AccountErasureState {
  stage: ErasureStage;
  summary: Record<string, number> | null;
}

/** Who undoes an erasure, for the audit log. */
export interface ErasureUndoer {
  kind: 'customer' | 'operator';
  id: string | null;
  name: string;
}

/** Failure types the API maps to HTTP answers. */
export const ERASURE_FAILURES = { notPending: 'erasure_not_pending' } as const;

/** The person (or an operator for them) takes the request back within the undo window; answers once it is undone. */
export const undoErasureUpdate = defineUpdate<AccountErasureState, [ErasureUndoer]>('undoErasure');
/** Current state of the erasure. */
export const erasureStateQuery = defineQuery<AccountErasureState>('erasureState');

/** How the API starts an erasure's workflow, the task queue aside. */
export function erasureStartOptions(erasureRequestId: string, undoWindowMs: number) {
  return { workflowId: workflowIds.erasure(erasureRequestId), args: [{ erasureRequestId, undoWindowMs }] as [AccountErasureInput] };
}
