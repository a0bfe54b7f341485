import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A fresh 256-bit secret for a link or a refresh token, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A 256-bit secret derived from a server key and a business key: the same inputs give the same token, so a retried step reissues it unchanged. */
export function derivedToken(serverKey: string, context: string): string {
  return createHmac('sha256', serverKey).update(`webmagic:token:v1:${context}`).digest('base64url');
}

/** What the database stores instead of a token: its SHA-256, hex. The tokens carry 256 bits, so no salt or slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
