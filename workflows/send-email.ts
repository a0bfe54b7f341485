import { proxyActivities } from '@temporalio/workflow';
import type { createEmailActivities, SendEmailInput, SendEmailResult } from '../activities/email.js';
import { EMAIL_ACTIVITY_OPTIONS } from './activity-options.js';

const { sendEmail } = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

/** Sends one transactional email durably: retried until Postmark accepts it, never sent twice for one key. */
export async function sendEmailWorkflow(input: SendEmailInput): Promise<SendEmailResult> {
  return sendEmail(input);
}
