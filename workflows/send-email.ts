import { proxyActivities } from '@temporalio/workflow';
import type { createEmailActivities, SendEmailInput, SendEmailResult } from '../activities/email.js';

const { sendEmail } = proxyActivities<ReturnType<typeof createEmailActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['EmailRejected'] },
});

/** Sends one transactional email durably: retried until Postmark accepts it, never sent twice for one key. */
export async function sendEmailWorkflow(input: SendEmailInput): Promise<SendEmailResult> {
  return sendEmail(input);
}
