import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { accountPageUrl } from '../urls.js';

/** What a one-time link lets its holder do. */
export const ONE_TIME_TOKEN_PURPOSES = ['verify_email', 'reset_password', 'set_password', 'accept_transfer'] as const;
/** One of the one-time link purposes. */
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

const HOUR_MS = 3_600_000;

/** How long each kind of emailed link stays valid. */
export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenPurpose, number> = {
  verify_email: 24 * HOUR_MS,
  reset_password: HOUR_MS,
  set_password: 7 * 24 * HOUR_MS,
  // The transfer workflow voids the link when the transfer expires or is cancelled; this is only the upper bound.
  accept_transfer: 30 * 24 * HOUR_MS,
};

/** The portal page each link opens; the page posts the token back to the matching API endpoint. */
const LINK_PAGES: Record<OneTimeTokenPurpose, string> = {
  verify_email: 'verify-email',
  reset_password: 'reset-password',
  set_password: 'set-password',
  accept_transfer: 'transfer',
};

/** The link a customer clicks in the email. */
export function tokenLink(config: Pick<AppConfig, 'publicBaseUrl'>, purpose: OneTimeTokenPurpose, token: string, params: Record<string, string> = {}): string {
  return accountPageUrl(config, LINK_PAGES[purpose], { ...params, token });
}

/** The link without its token: what workflows and the email log carry until the sending activity mints one. */
export function linkBase(config: Pick<AppConfig, 'publicBaseUrl'>, purpose: OneTimeTokenPurpose): string {
  return accountPageUrl(config, LINK_PAGES[purpose]);
}

/** The model field of each link email that carries the link; the sending activity fills in its token. */
export const LINK_FIELDS = { verify_email: 'verifyUrl', password_reset: 'resetUrl', welcome_set_password: 'setPasswordUrl', site_transfer_invitation: 'acceptUrl' } as const;

/** Which template carries which kind of link. */
const LINK_TEMPLATES = { verify_email: 'verify_email', reset_password: 'password_reset', set_password: 'welcome_set_password', accept_transfer: 'site_transfer_invitation' } as const;

/** The emailed link of a message: its kind and whose account it opens. The token is minted when the email is sent. */
export interface OneTimeLink {
  purpose: OneTimeTokenPurpose;
  customerId: string;
  /** Query parameters the link carries besides its token (e.g. the site a transfer invitation is for). */
  params?: Record<string, string>;
}

/** The template a link of this purpose is sent in, e.g. to find it in a mailbox. */
export function linkTemplate(purpose: OneTimeTokenPurpose): (typeof LINK_TEMPLATES)[OneTimeTokenPurpose] {
  return LINK_TEMPLATES[purpose];
}

/** A fresh idempotency key for one link email (one token, one email, whatever retries happen). */
export function linkEmailKey(purpose: OneTimeTokenPurpose): string {
  return `${purpose}:${randomUUID()}`;
}

/** Replaces the value of every `token` query parameter in the text, so logs and stored emails never hold a live link. */
export function redactTokens(text: string): string {
  return text.replace(/([?&]token=)[^&#\s"']*/g, '$1[redacted]');
}

/** The email model with every link token redacted, for the `email_messages` log. */
export function redactedModel(model: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(model).map(([key, value]) => [key, typeof value === 'string' ? redactTokens(value) : value]));
}
