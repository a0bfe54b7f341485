import type { SearchAttributePair } from '@temporalio/common';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { workflowIds } from '../../lib/workflow-ids.js';
import { BUSINESS_STATUS, PREVIEW_BATCH } from '../search-attributes.js';

/** How fast a batch goes, fixed when it is imported (from PREVIEW_BATCH_* and PREVIEW_GENERATION_RATE). */
export interface BatchPace {
  concurrency: number;
  ratePerSecond: number;
  continueAsNewEvery: number;
}

/**
 * Arguments of a batch run: the batch and where it stands. The listings live in `preview_listings`; the workflow
 * carries positions only, so its history stays small and a new run (continue-as-new) picks up at `next`.
 */
export interface PreviewBatchInput {
  batchId: string;
  name: string;
  /** Accepted listings: positions 1…total. */
  total: number;
  /** The first position not started yet. */
  next: number;
  pace: BatchPace;
  /** When a business that got its preview link hears what the preview brought in (OUTREACH_FOLLOW_UP_AFTER). */
  followUpAfterMs: number;
  /** Failed listings an operator asked to generate again, not started yet. */
  retries?: number[];
  cancelled?: boolean;
  /** Whether the batch's generation is over (settled in the database); the run then only retires previews and takes retries. */
  finished?: boolean;
}

/** What a finished batch run answers. */
export interface BatchSummary {
  batchId: string;
  cancelled: boolean;
}

/** The phases operators search by (`BusinessStatus`). */
export type BatchPhase = 'generating' | 'cancelling' | 'live' | 'ended';

/** Failure types the API maps to HTTP answers. */
export const BATCH_FAILURES = { finished: 'batch_finished' } as const;

/** Stops the batch: listings not started become cancelled, sites already made stay. Answers once the stop is recorded. */
export const cancelBatchUpdate = defineUpdate<{ cancelled: true }>('cancelBatch');
/** Generates one failed listing again (the API checks it failed, and starts the batch's workflow again if it had ended). */
export const retryListingSignal = defineSignal<[{ position: number }]>('retryListing');

/** How a batch is started, the task queue aside: its business-key id, and the name and phase operators search by. */
export function batchStartOptions(input: PreviewBatchInput) {
  return {
    workflowId: workflowIds.previewBatch(input.batchId),
    args: [input] as [PreviewBatchInput],
    typedSearchAttributes: [{ key: PREVIEW_BATCH, value: input.name }, { key: BUSINESS_STATUS, value: input.finished ? 'live' : 'generating' }] as SearchAttributePair[],
  };
}
