import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';

/**
 * How one activity attempt ended. The SDK's metrics count failed attempts but not why: a business refusal
 * (non-retryable, final) reads the same as a provider outage it will retry. This counter tells them apart.
 */
export type ActivityOutcome = 'completed' | 'failed_retryable' | 'failed_final' | 'cancelled';

/** The outcome of an attempt that threw `error`, and the error's type as a label (an ApplicationFailure's `type`, else its class). */
export function failureOutcome(error: unknown): { outcome: ActivityOutcome; errorType: string } {
  if (error instanceof CancelledFailure) return { outcome: 'cancelled', errorType: 'CancelledFailure' };
  if (error instanceof ApplicationFailure) return { outcome: error.nonRetryable ? 'failed_final' : 'failed_retryable', errorType: error.type ?? 'ApplicationFailure' };
  return { outcome: 'failed_retryable', errorType: error instanceof Error ? error.name : 'unknown' };
}

/**
 * Counts every activity attempt by outcome in `webmagic_activity_outcomes` through the activity's own metric meter, so
 * the series carries the SDK's activity labels (activityType, namespace, taskQueue) and is served by the worker's Prometheus
 * listener beside the SDK's metrics.
 */
export function activityOutcomeInterceptors(ctx: Context): ActivityInterceptors {
  const counter = () => ctx.metricMeter.createCounter('webmagic_activity_outcomes', 'attempts', 'Activity attempts by outcome and error type');
  return {
    inbound: {
      async execute(input, next) {
        try {
          const result = await next(input);
          counter().add(1, { outcome: 'completed', error_type: '' });
          return result;
        } catch (error) {
          const { outcome, errorType } = failureOutcome(error);
          counter().add(1, { outcome, error_type: errorType });
          throw error;
        }
      },
    },
  };
}
