import type { MikroORM } from '@mikro-orm/postgresql';
import { purgeOldDimensions, purgeRawAnalytics } from '../db/analytics.js';
import { deleteEndedHolds } from '../db/purchase-holds.js';
import { purgeExpiredState, type ExpiredState } from '../db/retention.js';
import type { AppConfig } from '../lib/config.js';

/**
 * Housekeeping: retention of raw sessions and events, of dimension rows, of ended purchase holds (the hourly totals are
 * kept), and of expired rate-limit counters and sessions and delivered webhooks.
 */
export function createAnalyticsActivities(deps: { orm: MikroORM; config: AppConfig }) {
  const before = (now: string, ms: number) => new Date(new Date(now).getTime() - ms);
  return {
    /**
     * Deletes raw analytics older than `ANALYTICS_RETENTION` before `now`; idempotent (a re-run finds nothing more).
     * The retention is read here, not passed by the schedule, so a changed setting applies without recreating it.
     */
    async purgeOldAnalytics(input: { now: string }): Promise<{ events: number; sessions: number }> {
      return purgeRawAnalytics(deps.orm.em.fork(), before(input.now, deps.config.analytics.retentionMs));
    },

    /** Deletes hourly and daily dimension rows older than `ANALYTICS_DIMENSION_RETENTION` before `now`; answers how many. */
    async purgeOldDimensions(input: { now: string }): Promise<number> {
      return purgeOldDimensions(deps.orm.em.fork(), before(input.now, deps.config.analytics.dimensionRetentionMs));
    },

    /** Deletes purchase holds (claimant email, address digest) whose checkout ended `PURCHASE_HOLD_RETENTION` before `now`; answers how many. */
    async purgeEndedPurchaseHolds(input: { now: string }): Promise<number> {
      return deleteEndedHolds(deps.orm.em.fork(), new Date(input.now), deps.config.checkout.holdRetentionMs);
    },

    /** Deletes rate-limit counters and sign-in sessions that ended before `now`, and webhooks delivered `WEBHOOK_INBOX_RETENTION` before it. */
    async purgeExpiredState(input: { now: string }): Promise<ExpiredState> {
      return purgeExpiredState(deps.orm.em.fork(), new Date(input.now), deps.config.webhookRelay.inboxRetentionMs);
    },
  };
}
