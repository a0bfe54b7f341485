import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AppConfig } from '../lib/config.js';
import { analyticsHousekeepingWorkflow } from '../workflows/analytics-housekeeping.js';
import { workflowIds } from '../lib/workflow-ids.js';

/** Creates the analytics housekeeping schedule unless it exists (run at every worker start; a second call changes nothing). */
export async function ensureAnalyticsHousekeepingSchedule(client: Client, config: AppConfig): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: workflowIds.analyticsHousekeeping(),
      spec: { intervals: [{ every: config.analytics.housekeepingIntervalMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: analyticsHousekeepingWorkflow,
        workflowId: workflowIds.analyticsHousekeeping(),
        taskQueue: config.temporal.taskQueue,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
