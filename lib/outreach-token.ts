import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'outreach-unsubscribe:';

function mac(secret: string, email: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE + email).digest();
}

/** The token of an outreach unsubscribe link: the lower-cased address and its HMAC, good for unsubscribing that address only. */
export function unsubscribeToken(secret: string, email: string): string {
  const address = email.trim().toLowerCase();
  return `${Buffer.from(address).toString('base64url')}.${mac(secret, address).toString('base64url')}`;
}

/** The address an unsubscribe token was made for, or null when it is not one of ours. */
export function unsubscribeAddress(secret: string, token: string): string | null {
  const [encoded = '', signature = ''] = token.split('.');
  const address = Buffer.from(encoded, 'base64url').toString();
  if (address === '' || !address.includes('@')) return null;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, address);
  return given.length === expected.length && timingSafeEqual(given, expected) ? address : null;
}
