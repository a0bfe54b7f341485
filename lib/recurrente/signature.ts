import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'svix';

/** How far `svix-timestamp` may be from the verifier's clock, as Svix allows. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Why a webhook was rejected. */
export type WebhookSignatureFailure = 'missing_headers' | 'bad_signature' | 'stale_timestamp';

/** A webhook whose Svix signature headers do not prove it came from the provider. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';

  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Request headers as Node and Fastify expose them. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/**
 * Verifies Svix headers (`svix-id`, `svix-timestamp`, `svix-signature`) against the raw body.
 * The timestamp is checked here against `now` because svix's own `verify` only reads the system clock;
 * the HMAC comes from svix's `Webhook.sign`, and any `v1` entry in the header may match. Several secrets may be
 * given (old and new while the endpoint's secret is rotated): a signature by any of them is accepted.
 */
export function verifyWebhook(secrets: string | readonly string[], headers: WebhookHeaders, rawBody: string | Buffer, now: Date = new Date()): void {
  const id = header(headers, 'svix-id');
  const timestamp = header(headers, 'svix-timestamp');
  const signatures = header(headers, 'svix-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookSignatureError('missing_headers', 'svix-id, svix-timestamp and svix-signature are required');
  }
  const sentAt = parseTimestamp(timestamp);
  if (Math.abs(now.getTime() / 1000 - sentAt) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError('stale_timestamp', 'svix-timestamp is outside the allowed tolerance');
  }
  const candidates = signatures.split(' ');
  const accepted = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const expected = new Webhook(secret).sign(id, new Date(sentAt * 1000), rawBody);
    return candidates.some((candidate) => sameSignature(candidate, expected));
  });
  if (!accepted) {
    throw new WebhookSignatureError('bad_signature', 'no matching signature found');
  }
}

/** Produces the three Svix headers for a body, exactly as Svix would send them. */
export function signWebhook(secret: string, id: string, timestamp: Date, rawBody: string | Buffer): Record<string, string> {
  return {
    'svix-id': id,
    'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'svix-signature': new Webhook(secret).sign(id, timestamp, rawBody),
  };
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

function parseTimestamp(value: string): number {
  if (!/^\d+$/.test(value)) throw new WebhookSignatureError('bad_signature', 'svix-timestamp is not a number of seconds');
  return Number(value);
}

function sameSignature(candidate: string, expected: string): boolean {
  if (!candidate.startsWith('v1,')) return false;
  const given = Buffer.from(candidate);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
