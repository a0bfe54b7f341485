import { Errors, ServerClient } from 'postmark';

/** How to reach Postmark (or the local fake) and who the mail comes from. */
export interface MailerOptions {
  serverToken: string;
  /** `api.postmarkapp.com`, or `127.0.0.1:3002` for the local fake. */
  apiHost: string;
  useHttps: boolean;
  /** Sender, e.g. `WebMagic <hello@webmagic.com>`; must be a confirmed Postmark sender signature in production. */
  from: string;
  /** Per-request timeout; defaults to 30 s (the client's own default is 180 s). */
  timeoutSeconds?: number;
}

/** One rendered transactional email. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  htmlBody: string;
  textBody: string;
  tag?: string;
  metadata?: Record<string, string>;
  /** Stable business key of this email, stored in Postmark's Metadata as `idempotency_key` so a resend can be traced. */
  idempotencyKey?: string;
  /** Sender, when not the mailer's own (outreach has its own). */
  from?: string;
  /** Postmark message stream; `outbound` (transactional) unless given. */
  messageStream?: string;
  /** Extra headers, e.g. `List-Unsubscribe`. */
  headers?: { name: string; value: string }[];
}

/** Postmark's acknowledgement of an accepted email. */
export interface SentEmail {
  messageId: string;
  submittedAt: string;
}

/** Sends transactional email through Postmark. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<SentEmail>;
  /** Looks a message up by the idempotency key it was sent with (Postmark's outbound search, metadata filter); null when none was accepted. */
  findSent(idempotencyKey: string): Promise<{ messageId: string } | null>;
}

/** A failed send, classified: `retryable` tells whether the same request may succeed later. */
export class MailerError extends Error {
  override readonly name = 'MailerError';

  constructor(
    message: string,
    /** Postmark's ErrorCode (10, 300, 406, ...) when it gave one, else the HTTP status; 0 for network failures and timeouts. */
    readonly code: number,
    /** HTTP status, 0 when no response arrived. */
    readonly statusCode: number,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Metadata key that carries the caller's idempotency key. */
export const IDEMPOTENCY_METADATA_KEY = 'idempotency_key';

const DEFAULT_TIMEOUT_SECONDS = 30;

function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 0 || statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

function toMailerError(error: Errors.PostmarkError): MailerError {
  const code = error.code !== 0 ? error.code : error.statusCode;
  const retryable = isRetryableStatus(error.statusCode);
  const what = error.statusCode === 0 ? 'Postmark could not be reached' : `Postmark answered ${error.statusCode} (code ${code})`;
  return new MailerError(`${what}: ${error.message}`, code, error.statusCode, retryable, { cause: error });
}

/** Builds a Mailer on the official Postmark ServerClient. */
export function createMailer(options: MailerOptions): Mailer {
  if (options.serverToken.trim() === '') throw new Error('a Postmark server token is required');
  const client = new ServerClient(options.serverToken, {
    useHttps: options.useHttps,
    requestHost: options.apiHost,
    timeout: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  });

  return {
    async send(message) {
      const metadata = { ...message.metadata };
      if (message.idempotencyKey !== undefined) metadata[IDEMPOTENCY_METADATA_KEY] = message.idempotencyKey;
      try {
        const response = await client.sendEmail({
          From: message.from ?? options.from,
          To: message.to,
          Subject: message.subject,
          HtmlBody: message.htmlBody,
          TextBody: message.textBody,
          Tag: message.tag,
          Metadata: metadata,
          MessageStream: message.messageStream ?? 'outbound',
          ...(message.headers ? { Headers: message.headers.map((h) => ({ Name: h.name, Value: h.value })) } : {}),
        });
        return { messageId: response.MessageID, submittedAt: response.SubmittedAt };
      } catch (error) {
        if (error instanceof Errors.PostmarkError) throw toMailerError(error);
        throw error;
      }
    },

    async findSent(idempotencyKey) {
      try {
        const found = await client.getOutboundMessages({ count: 1, offset: 0, [`metadata_${IDEMPOTENCY_METADATA_KEY}`]: idempotencyKey });
        const message = found.Messages[0];
        return message ? { messageId: message.MessageID } : null;
      } catch (error) {
        if (error instanceof Errors.PostmarkError) throw toMailerError(error);
        throw error;
      }
    },
  };
}
