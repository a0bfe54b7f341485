import {
  ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, ParentClosePolicy, proxyActivities, setHandler, sleep, startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createPreviewActivities } from '../../activities/preview-batches.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { databaseActivityOptions } from '../activity-options.js';
import { previewOutreachWorkflow } from '../preview-outreach.js';
import { BUSINESS_STATUS } from '../search-attributes.js';
import { BATCH_FAILURES, cancelBatchUpdate, retryListingSignal, type BatchPhase, type BatchSummary, type PreviewBatchInput } from './contract.js';

type PreviewActivities = ReturnType<typeof createPreviewActivities>;

const { processListing } = proxyActivities<PreviewActivities>({
  // The activity heartbeats while it works: a worker that died mid-listing holds it no longer than the heartbeat
  // timeout, while a listing with many photos to encode has minutes.
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['GeneratedSiteUnusable'] },
});
const { markListingFailed, reopenFailedListing, finishBatch, nextPreviewExpiry, retireExpiredPreviews } = proxyActivities<PreviewActivities>(databaseActivityOptions());

/** Expiries this close after the first one are retired in the same pass, so a batch retires in a few passes, not one per site. */
const RETIRE_GROUPING_MS = 60 * 60 * 1000;

/** Counts generation starts per second of workflow time: at most `perSecond` in any one window. */
class RateWindow {
  private start = 0;
  private count = 0;

  constructor(private readonly perSecond: number) {}

  /** How long to wait before the next start may go (0: now); counts the start. */
  take(now: number): number {
    if (now - this.start >= 1000) {
      this.start = now;
      this.count = 0;
    }
    if (this.count < this.perSecond) {
      this.count += 1;
      return 0;
    }
    const wait = this.start + 1000 - now;
    this.start += 1000;
    this.count = 1;
    return wait;
  }
}

function failureReason(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A generation batch (`preview-batch:<batchId>`): generates its listings, `pace.concurrency` at a time and at most
 * `pace.ratePerSecond` started per second; a listing that fails is recorded as failed and the batch goes on. It
 * continues as new every `pace.continueAsNewEvery` listings. Cancel (update) stops the listings not started; retry
 * (signal) generates one failed listing again. Once settled, it retires the batch's unclaimed previews as they expire.
 */
export async function previewBatchWorkflow(input: PreviewBatchInput): Promise<BatchSummary> {
  const { batchId, total, pace } = input;
  let next = input.next;
  const retries = [...(input.retries ?? [])];
  let cancelled = input.cancelled ?? false;
  let finished = input.finished ?? false;
  let running = 0;
  let stepsThisRun = 0;
  const rate = new RateWindow(pace.ratePerSecond);
  const phase = (value: BatchPhase) => upsertSearchAttributes([{ key: BUSINESS_STATUS, value }]);

  setHandler(retryListingSignal, ({ position }) => {
    if (Number.isInteger(position) && position >= 1 && position <= total && !retries.includes(position)) retries.push(position);
  });
  setHandler(cancelBatchUpdate, () => {
    cancelled = true;
    phase('cancelling');
    return { cancelled: true as const };
  }, {
    validator: () => {
      if (finished || cancelled) throw ApplicationFailure.nonRetryable('This batch has finished generating; there is nothing left to cancel.', BATCH_FAILURES.finished);
    },
  });

  const generate = async (position: number, retry: boolean) => {
    try {
      if (retry && !(await reopenFailedListing({ batchId, position }))) return;
      const outcome = await processListing({ batchId, position });
      if (outcome.status === 'done' && outcome.outreach) {
        await startChild(previewOutreachWorkflow, {
          workflowId: workflowIds.previewOutreach(outcome.listingId),
          args: [{ listingId: outcome.listingId, followUpAfterMs: input.followUpAfterMs }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }).catch((error: unknown) => {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        });
      }
    } catch (error) {
      await markListingFailed({ batchId, position, reason: failureReason(error) });
    } finally {
      running -= 1;
    }
  };
  const hasWork = () => retries.length > 0 || (!cancelled && next <= total);

  for (;;) {
    while (hasWork() && stepsThisRun < pace.continueAsNewEvery) {
      await condition(() => running < pace.concurrency);
      if (!hasWork()) break;
      const wait = rate.take(Date.now());
      if (wait > 0) await sleep(wait);
      const retry = retries.shift();
      const position = retry ?? next++;
      running += 1;
      stepsThisRun += 1;
      void generate(position, retry !== undefined);
    }
    await condition(() => running === 0);
    if (hasWork()) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof previewBatchWorkflow>({ ...input, next, retries, cancelled, finished });
    }
    if (!finished) {
      await finishBatch({ batchId, cancelled });
      finished = true;
      phase('live');
    }
    const expiry = await nextPreviewExpiry({ batchId });
    if (expiry === null && retries.length === 0) break;
    const wake = expiry === null ? undefined : Math.max(1, Date.parse(expiry) + RETIRE_GROUPING_MS - Date.now());
    const retried = wake === undefined ? true : await condition(() => retries.length > 0, wake);
    if (!retried) {
      await retireExpiredPreviews({ batchId, now: new Date().toISOString() });
      stepsThisRun += 1;
    }
  }
  phase('ended');
  return { batchId, cancelled };
}
