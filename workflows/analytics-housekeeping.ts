import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAnalyticsActivities } from '../activities/analytics.js';

const { purgeOldAnalytics, purgeOldDimensions, purgeEndedPurchaseHolds } = proxyActivities<ReturnType<typeof createAnalyticsActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** What one housekeeping run deleted; runs recorded before dimension and hold retention report raw data only. */
export interface HousekeepingResult {
  events: number;
  sessions: number;
  dimensions?: number;
  holds?: number;
}

/**
 * One run of housekeeping (started by the `analytics-housekeeping` schedule): deletes raw analytics, dimension rows
 * and ended purchase holds past their retention.
 */
export async function analyticsHousekeepingWorkflow(): Promise<HousekeepingResult> {
  const now = workflowInfo().startTime.toISOString();
  const raw = await purgeOldAnalytics({ now });
  if (!patched('retention-dimensions-and-holds')) return raw;
  const dimensions = await purgeOldDimensions({ now });
  const holds = await purgeEndedPurchaseHolds({ now });
  return { ...raw, dimensions, holds };
}
