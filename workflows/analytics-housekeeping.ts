import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAnalyticsActivities } from '../activities/analytics.js';
import type { createPhotoActivities } from '../activities/photos.js';
import type { ExpiredState } from '../db/retention.js';

const { purgeOldAnalytics, purgeOldDimensions, purgeEndedPurchaseHolds, purgeExpiredState } = proxyActivities<ReturnType<typeof createAnalyticsActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

const { purgeUnusedPhotos } = proxyActivities<ReturnType<typeof createPhotoActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** What one housekeeping run deleted; runs recorded before a retention existed leave its figure out. */
export interface HousekeepingResult {
  events: number;
  sessions: number;
  dimensions?: number;
  holds?: number;
  expired?: ExpiredState;
  photos?: number;
}

/**
 * One run of housekeeping (started by the `analytics-housekeeping` schedule): deletes raw analytics, dimension rows,
 * ended purchase holds and photos no site version uses past their retention, and rate-limit counters, sign-in
 * sessions and delivered webhooks that ended. Each later retention is a patch of its own, so runs recorded with
 * either one alone replay.
 */
export async function analyticsHousekeepingWorkflow(): Promise<HousekeepingResult> {
  const now = workflowInfo().startTime.toISOString();
  const raw = await purgeOldAnalytics({ now });
  if (!patched('retention-dimensions-and-holds')) return raw;
  const dimensions = await purgeOldDimensions({ now });
  const holds = await purgeEndedPurchaseHolds({ now });
  const result: HousekeepingResult = { ...raw, dimensions, holds };
  if (patched('retention-limits-sessions-inbox')) result.expired = await purgeExpiredState({ now });
  if (patched('retention-photos')) result.photos = await purgeUnusedPhotos({ now });
  return result;
}
