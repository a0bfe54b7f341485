import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { EmailMessage } from '../db/entities/index.js';
import { redactedModel } from '../lib/auth/one-time-tokens.js';
import type { AppConfig } from '../lib/config.js';
import { MailerError, type Mailer } from '../lib/postmark/mailer.js';
import { renderEmail, type SendEmailInput } from '../lib/email/templates.js';
import { withMintedLink } from '../db/one-time-tokens.js';

/** A transactional email to send once per idempotency key (defined beside the templates). */
export type { SendEmailInput };

/** Result of a send: whether this call delivered it or an earlier attempt already had. */
export interface SendEmailResult {
  status: 'sent' | 'already_sent';
  messageId: string;
}

/** Email activities: render a template, send it through Postmark, and log it in `email_messages`. */
export function createEmailActivities(deps: { orm: MikroORM; mailer: Mailer; config: Pick<AppConfig, 'publicBaseUrl' | 'auth'> }) {
  return {
    /** Sends the email unless the log says this idempotency key was already sent; safe to retry. */
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

      const rendered = renderEmail(input);
      log.attempts += 1;
      try {
        const { messageId } = await deps.mailer.send({
          to: input.to,
          ...rendered,
          tag: input.template,
          metadata: { idempotency_key: input.idempotencyKey },
        });
        Object.assign(log, { status: 'sent', providerMessageId: messageId, sentAt: new Date(), error: null });
        await em.flush();
        return { status: 'sent', messageId };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryable = !(error instanceof MailerError) || error.retryable;
        Object.assign(log, { status: retryable ? 'pending' : 'failed', error: message });
        await em.flush();
        if (!retryable) throw ApplicationFailure.nonRetryable(message, 'EmailRejected');
        throw error;
      }
    },
  };
}
