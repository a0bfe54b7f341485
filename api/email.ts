import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { SendEmailInput } from '../activities/email.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { sendEmailWorkflow } from '../workflows/send-email.js';
import type { ApiDeps } from './deps.js';
import { callTemporal } from './temporal.js';

/** Hands an email to its durable workflow; a second call with the same idempotency key is a no-op. */
export async function queueEmail(deps: Pick<ApiDeps, 'temporal' | 'config'>, input: SendEmailInput): Promise<void> {
  await callTemporal(deps, (client) => client.workflow.start(sendEmailWorkflow, {
    workflowId: workflowIds.email(input.idempotencyKey),
    taskQueue: deps.config.temporal.taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  }).then(() => undefined, (error: unknown) => {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }), { service: 'email' });
}
