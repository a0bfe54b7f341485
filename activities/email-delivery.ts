import { log as activityLog } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { EmailMessage } from '../db/entities/index.js';
import { withMintedLink } from '../db/one-time-tokens.js';
import { redactedModel } from '../lib/auth/one-time-tokens.js';
import type { AppConfig } from '../lib/config.js';
import { InvalidEmailModelError, renderEmail, type SendEmailInput } from '../lib/email/templates.js';
import { MailerError, type Mailer } from '../lib/postmark/mailer.js';

/** Result of a send: whether this call delivered it or an earlier attempt already had. */
export interface SendEmailResult {
  status: 'sent' | 'already_sent';
  messageId: string;
}

/** What delivering an email needs: the log's database, the mailer, and the configuration its links are minted with. */
export interface EmailDeliveryDeps {
  orm: MikroORM;
  mailer: Mailer;
  config: AppConfig;
}

/**
 * A message that can never go out: its model does not fit the template (`EmailUnsendable`), Postmark refused it for
 * good (`EmailRejected`), or Postmark could not be reached on any of the attempts allowed (`EmailUndelivered`).
 */
export class UndeliverableEmailError extends Error {
  constructor(readonly type: 'EmailUnsendable' | 'EmailRejected' | 'EmailUndelivered', message: string) {
    super(message);
    this.name = 'UndeliverableEmailError';
  }
}

/**
 * Sends the email unless it already went out for this idempotency key: per the log, or (after an attempt that may
 * have reached Postmark before the worker died) per Postmark's own outbound search on the key in the message metadata.
 * A message that can never go out is logged as failed and thrown as an {@link UndeliverableEmailError}; an outage is thrown as is.
 */
export async function deliverEmail(deps: EmailDeliveryDeps, queued: SendEmailInput): Promise<SendEmailResult> {
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
    throw new UndeliverableEmailError('EmailUnsendable', error.message);
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
    if (!retryable) throw new UndeliverableEmailError('EmailRejected', message);
    throw error;
  }
}

/** Marks a message whose last allowed attempt failed as failed in the log; answers the failure to raise to operators. */
export async function giveUpEmail(deps: EmailDeliveryDeps, idempotencyKey: string, attempts: number, lastError: string): Promise<UndeliverableEmailError> {
  const message = `Postmark did not accept it in ${attempts} attempts; the last one: ${lastError}`;
  await deps.orm.em.fork().nativeUpdate(EmailMessage, { idempotencyKey, status: { $ne: 'sent' } }, { status: 'failed', error: message });
  return new UndeliverableEmailError('EmailUndelivered', message);
}
