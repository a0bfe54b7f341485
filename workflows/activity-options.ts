import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Database activities: short, retried quickly, for a minute between attempts at most. No attempt limit: the steps of
 * a paid purchase must finish once the outage ends; failures retrying cannot fix are non-retryable ApplicationFailures.
 */
export function databaseActivityOptions(nonRetryableErrorTypes?: string[]): ActivityOptions {
  return {
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', ...(nonRetryableErrorTypes ? { nonRetryableErrorTypes } : {}) },
  };
}

/** Calls to the payment provider: a rejected request is final, an outage is retried for as long as it lasts. */
export const PAYMENT_PROVIDER_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['GatewayRejected'] },
};

/** Sending email: a rejected address or an unrenderable model is final (an operator case), an outage is retried for about ten hours. */
export const EMAIL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '10 minutes', maximumAttempts: 60, nonRetryableErrorTypes: ['EmailRejected', 'EmailUnsendable'] },
};

/** Raising an operator case: bounded, since the case is itself the last resort. */
export const OPERATOR_CASE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', maximumAttempts: 100 },
};
