import type { AppConfig } from '../config.js';
import { accountPageUrl } from '../urls.js';

/** What a one-time link lets its holder do. */
export const ONE_TIME_TOKEN_PURPOSES = ['verify_email', 'reset_password', 'set_password'] as const;
/** One of the one-time link purposes. */
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

const HOUR_MS = 3_600_000;

/** How long each kind of emailed link stays valid. */
export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenPurpose, number> = {
  verify_email: 24 * HOUR_MS,
  reset_password: HOUR_MS,
  set_password: 7 * 24 * HOUR_MS,
};

/** The portal page each link opens; the page posts the token back to the matching API endpoint. */
const LINK_PAGES: Record<OneTimeTokenPurpose, string> = {
  verify_email: 'verify-email',
  reset_password: 'reset-password',
  set_password: 'set-password',
};

/** The link a customer clicks in the email. */
export function tokenLink(config: Pick<AppConfig, 'publicBaseUrl'>, purpose: OneTimeTokenPurpose, token: string): string {
  return accountPageUrl(config, LINK_PAGES[purpose], { token });
}
