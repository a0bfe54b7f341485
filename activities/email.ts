import { ApplicationFailure, asyncLocalStorage, log as activityLog } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { EmailMessage } from '../db/entities/index.js';
import { redactedModel } from '../lib/auth/one-time-tokens.js';
import type { AppConfig } from '../lib/config.js';
import { MailerError, type Mailer } from '../lib/postmark/mailer.js';
import { InvalidEmailModelError, renderEmail, type SendEmailInput } from '../lib/email/templates.js';
import { withMintedLink } from '../db/one-time-tokens.js';
import { raiseOperatorCase } from './operator-cases.js';

/** A transactional email to send once per idempotency key (defined beside the templates). */
export type { SendEmailInput };

/** Result of a send: whether this call delivered it or an earlier attempt already had. */
export interface SendEmailResult {
  status: 'sent' | 'already_sent';
  messageId: string;
}

/** The email workflow running this activity, so an operator case links to it; null when called outside a worker. */
function sendingWorkflowId(): string | null {
  return asyncLocalStorage.getStore()?.info.workflowExecution?.workflowId ?? null;
}

/** Email activities: render a template, send it through Postmark, and log it in `email_messages`. */
export function createEmailActivities(deps: { orm: MikroORM; mailer: Mailer; config: AppConfig }) {
  /** A message that can never go out: an operator case (not for the operators' own email, which would loop), then a non-retryable failure. */
  async function unsendable(input: SendEmailInput, type: 'EmailUnsendable' | 'EmailRejected', reason: string): Promise<never> {
    if (input.template !== 'operator_case') {
      await raiseOperatorCase(deps, {
        key: `email_unsendable:${input.idempotencyKey}`,
        kind: 'email_unsendable',
        reason: `The "${input.template}" email to ${input.to} (key ${input.idempotencyKey}) can never be sent: ${reason}`,
        siteId: null,
        workflowId: sendingWorkflowId(),
        payload: { idempotencyKey: input.idempotencyKey, template: input.template, to: input.to },
      });
    }
    throw ApplicationFailure.nonRetryable(reason, type);
  }

  return {
    /**
     * Sends the email unless it already went out for this idempotency key: per the log, or (after an attempt that may
     * have reached Postmark before the worker died) per Postmark's own outbound search on the key in the message metadata.
     */
    async sendEmail(queued: SendEmailInput): Promise<SendEmailResult> {
      const em = deps.orm.em.fork();
      const input = await withMintedLink(em, deps.config, queued);
      await em.upsert(
        EmailMessage,
        { idempotencyKey: input.idempotencyKey, toAddress: input.to, template: input.template, model: redactedModel(input.model) },
        { onConflictFields: ['idempotencyKey'], onConflictAction: 'ignore' },
      );
      const log = await em.findOneOrFail(EmailMessage, { idempotencyKey: input.idempotencyKey });
      if (log.status === 'sent' && log.providerMessageId) return { status: 'already_sent', messageId: log.providerMessageId };

      let rendered: ReturnType<typeof renderEmail>;
      try {
        rendered = renderEmail(input);
      } catch (error) {
        if (!(error instanceof InvalidEmailModelError)) throw error;
        Object.assign(log, { status: 'failed', error: error.message });
        await em.flush();
        return unsendable(input, 'EmailUnsendable', error.message);
      }

      if (log.attempts > 0) {
        const earlier = await deps.mailer.findSent(input.idempotencyKey);
        if (earlier) {
          activityLog.info('an earlier attempt reached Postmark; not sending again', { idempotencyKey: input.idempotencyKey });
          Object.assign(log, { status: 'sent', providerMessageId: earlier.messageId, sentAt: new Date(), error: null });
          await em.flush();
          return { status: 'already_sent', messageId: earlier.messageId };
        }
      }
      log.attempts += 1;
      await em.flush();
      try {
        const { messageId } = await deps.mailer.send({
          to: input.to,
          ...rendered,
          tag: input.template,
          idempotencyKey: input.idempotencyKey,
        });
        Object.assign(log, { status: 'sent', providerMessageId: messageId, sentAt: new Date(), error: null });
        await em.flush();
        return { status: 'sent', messageId };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryable = !(error instanceof MailerError) || error.retryable;
        Object.assign(log, { status: retryable ? 'pending' : 'failed', error: message });
        await em.flush();
        if (!retryable) return unsendable(input, 'EmailRejected', message);
        throw error;
      }
    },
  };
}
