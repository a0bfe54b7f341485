import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import type { SendEmailInput } from '../lib/email/templates.js';
import { deliverEmail, giveUpEmail, UndeliverableEmailError, type EmailDeliveryDeps, type SendEmailResult } from './email-delivery.js';
import { raiseOperatorCase } from './operator-cases.js';

/** A transactional email to send once per idempotency key (defined beside the templates). */
export type { SendEmailInput };

/** Result of a send (defined beside the delivery it reports on). */
export type { SendEmailResult };

/** The email workflow running this activity, so an operator case links to it; null when called outside a worker. */
function sendingWorkflowId(): string | null {
  return asyncLocalStorage.getStore()?.info.workflowExecution?.workflowId ?? null;
}

/** The number of the running attempt when it is the last one its retry policy allows; null otherwise (or outside a worker). */
function lastAttempt(): number | null {
  const info = asyncLocalStorage.getStore()?.info;
  const allowed = info?.retryPolicy?.maximumAttempts;
  return info && allowed !== undefined && allowed > 0 && info.attempt >= allowed ? info.attempt : null;
}

/** Email activities: render a template, send it through Postmark, and log it in `email_messages`. */
export function createEmailActivities(deps: EmailDeliveryDeps) {
  /** A message that can never go out: an operator case (not for the operators' own email, which would loop), then a non-retryable failure. */
  async function unsendable(input: SendEmailInput, failure: UndeliverableEmailError): Promise<never> {
    if (input.template !== 'operator_case') {
      await raiseOperatorCase(deps, {
        key: `email_unsendable:${input.idempotencyKey}`,
        kind: 'email_unsendable',
        reason: `The "${input.template}" email to ${input.to} (key ${input.idempotencyKey}) can never be sent: ${failure.message}`,
        siteId: null,
        workflowId: sendingWorkflowId(),
        payload: { idempotencyKey: input.idempotencyKey, template: input.template, to: input.to },
      });
    }
    throw ApplicationFailure.nonRetryable(failure.message, failure.type);
  }

  return {
    /**
     * Sends the email once per idempotency key (see {@link deliverEmail}); one that can never go out, or that fails on
     * the last attempt its retry policy allows, is raised to operators: never lost without a trace.
     */
    async sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
      try {
        return await deliverEmail(deps, input);
      } catch (error) {
        if (error instanceof UndeliverableEmailError) return unsendable(input, error);
        const attempt = lastAttempt();
        if (attempt === null) throw error;
        return unsendable(input, await giveUpEmail(deps, input.idempotencyKey, attempt, error instanceof Error ? error.message : String(error)));
      }
    },
  };
}
