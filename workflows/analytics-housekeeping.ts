import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAnalyticsActivities } from '../activities/analytics.js';
import type { createPhotoActivities } from '../activities/photos.js';

const { purgeOldAnalytics, purgeOldDimensions, purgeEndedPurchaseHolds } = proxyActivities<ReturnType<typeof createAnalyticsActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

const { purgeUnusedPhotos } = proxyActivities<ReturnType<typeof createPhotoActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** What one housekeeping run deleted; runs recorded before dimension and hold retention report raw data only. */
export interface HousekeepingResult {
  events: number;
  sessions: number;
  dimensions?: number;
  holds?: number;
  photos?: number;
}

/**
 * One run of housekeeping (started by the `analytics-housekeeping` schedule): deletes raw analytics, dimension rows,
 * ended purchase holds and photos no site version uses past their retention.
 */
export async function analyticsHousekeepingWorkflow(): Promise<HousekeepingResult> {
  const now = workflowInfo().startTime.toISOString();
  const raw = await purgeOldAnalytics({ now });
  if (!patched('retention-dimensions-and-holds')) return raw;
  const dimensions = await purgeOldDimensions({ now });
  const holds = await purgeEndedPurchaseHolds({ now });
  if (!patched('retention-photos')) return { ...raw, dimensions, holds };
  const photos = await purgeUnusedPhotos({ now });
  return { ...raw, dimensions, holds, photos };
}
