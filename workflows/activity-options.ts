import type { ActivityOptions } from '@temporalio/workflow';

/** Database activities: short, retried quickly, for a minute between attempts at most. */
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

/** Sending email: a rejected address is final, a mail outage is retried for as long as it lasts. */
export const EMAIL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: ['EmailRejected'] },
};
