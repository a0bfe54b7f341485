import type { MikroORM } from '@mikro-orm/postgresql';
import { purgeRawAnalytics } from '../db/analytics.js';
import type { AppConfig } from '../lib/config.js';

/** Analytics housekeeping: retention of raw sessions and events (the hourly roll-ups are kept). */
export function createAnalyticsActivities(deps: { orm: MikroORM; config: AppConfig }) {
  return {
    /**
     * Deletes raw analytics older than `ANALYTICS_RETENTION` before `now`; idempotent (a re-run finds nothing more).
     * The retention is read here, not passed by the schedule, so a changed setting applies without recreating it.
     */
    async purgeOldAnalytics(input: { now: string }): Promise<{ events: number; sessions: number }> {
      return purgeRawAnalytics(deps.orm.em.fork(), new Date(new Date(input.now).getTime() - deps.config.analytics.retentionMs));
    },
  };
}
