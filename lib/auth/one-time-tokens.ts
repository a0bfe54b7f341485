import type { AppConfig } from '../config.js';

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
const LINK_PATHS: Record<OneTimeTokenPurpose, string> = {
  verify_email: '/account/verify-email',
  reset_password: '/account/reset-password',
  set_password: '/account/set-password',
};

/** The link a customer clicks in the email. */
export function tokenLink(config: Pick<AppConfig, 'publicBaseUrl'>, purpose: OneTimeTokenPurpose, token: string): string {
  return `${config.publicBaseUrl}${LINK_PATHS[purpose]}?token=${encodeURIComponent(token)}`;
}
