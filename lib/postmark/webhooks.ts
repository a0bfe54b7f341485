import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The fields of a Postmark webhook this platform reads. Bounce and spam-complaint webhooks carry `Email`;
 * subscription-change webhooks carry `Recipient`, `SuppressSending` and `SuppressionReason`. Everything else
 * Postmark sends (deliveries, opens, clicks) is acknowledged and ignored.
 */
export interface PostmarkWebhookEvent {
  RecordType: string;
  Type?: string;
  Email?: string;
  Recipient?: string;
  Inactive?: boolean;
  SuppressSending?: boolean;
  SuppressionReason?: string;
  MessageStream?: string;
}

/** Why a webhook suppresses an address (a subset of the suppression list's reasons). */
export type WebhookSuppressionReason = 'bounced' | 'spam_complaint' | 'unsubscribed';

/** Bounce types after which Postmark will not deliver to the address again (others — soft bounces, auto-replies — pass). */
const PERMANENT_BOUNCES = new Set(['HardBounce', 'BadEmailAddress', 'SpamNotification', 'ManuallyDeactivated', 'Blocked']);

const SUBSCRIPTION_REASONS: Record<string, WebhookSuppressionReason> = { HardBounce: 'bounced', SpamComplaint: 'spam_complaint', ManualSuppression: 'unsubscribed' };

/**
 * The address a webhook says must never be written to again, and why: a permanent bounce (or any bounce that
 * deactivated the recipient), a spam complaint, an unsubscribe, or a subscription change that suppresses sending.
 * Null when the event asks for nothing (a soft bounce, a reactivation, a delivery or an open).
 */
export function suppressionFor(event: PostmarkWebhookEvent): { email: string; reason: WebhookSuppressionReason } | null {
  const address = (event.RecordType === 'SubscriptionChange' ? event.Recipient : event.Email)?.trim().toLowerCase();
  if (!address) return null;
  switch (event.RecordType) {
    case 'SpamComplaint':
      return { email: address, reason: 'spam_complaint' };
    case 'Bounce':
      if (event.Type === 'Unsubscribe') return { email: address, reason: 'unsubscribed' };
      if (event.Type === 'SpamComplaint') return { email: address, reason: 'spam_complaint' };
      return event.Inactive === true || PERMANENT_BOUNCES.has(event.Type ?? '') ? { email: address, reason: 'bounced' } : null;
    case 'SubscriptionChange':
      return event.SuppressSending === true ? { email: address, reason: SUBSCRIPTION_REASONS[event.SuppressionReason ?? ''] ?? 'bounced' } : null;
    default:
      return null;
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an `Authorization` header is HTTP Basic auth with `secret` as its password (compared in constant time). */
export function webhookAuthorized(header: string | undefined, secret: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && timingSafeEqual(digest(password), digest(secret));
}

/** The Authorization header Postmark sends for a webhook URL with `user:secret@` in it. */
export function webhookAuthorization(secret: string, user = 'postmark'): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}
