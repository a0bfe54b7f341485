import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAnalyticsActivities } from '../activities/analytics.js';

const { purgeOldAnalytics } = proxyActivities<ReturnType<typeof createAnalyticsActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** One run of analytics housekeeping (started by the `analytics-housekeeping` schedule): deletes raw data past retention. */
export async function analyticsHousekeepingWorkflow(): Promise<{ events: number; sessions: number }> {
  return purgeOldAnalytics({ now: workflowInfo().startTime.toISOString() });
}
