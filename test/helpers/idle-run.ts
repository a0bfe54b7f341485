import type { WorkflowHandle } from '@temporalio/client';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a workflow's current run has nothing in flight (no workflow task, no running activity). The
 * time-skipping server can lose its time lock when a query races a run that is continuing as new, or when a run is
 * terminated with an activity in flight, after which it stops skipping; acting only on idle runs avoids that.
 */
export async function waitUntilIdle(handle: WorkflowHandle): Promise<void> {
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
    const ended = events.filter((e) =>
      e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes).length;
    const last = events.at(-1);
    const busy = last?.workflowTaskScheduledEventAttributes ?? last?.workflowTaskStartedEventAttributes ??
      last?.workflowExecutionContinuedAsNewEventAttributes ?? last?.workflowExecutionCompletedEventAttributes ?? last?.workflowExecutionFailedEventAttributes;
    if (scheduled === ended && !busy) return;
    await pause(10);
  }
}
