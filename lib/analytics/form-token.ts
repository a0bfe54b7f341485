import { createHmac, timingSafeEqual } from 'node:crypto';

function signature(secret: string, slug: string, issuedAt: number): string {
  return createHmac('sha256', secret).update(`booking-form\n${slug}\n${issuedAt}`).digest('base64url');
}

/** A signed "form shown at" stamp the contact form must send back, so the server can enforce a minimum fill time. */
export function issueFormToken(secret: string, slug: string, issuedAt = Date.now()): string {
  return `${issuedAt}.${signature(secret, slug, issuedAt)}`;
}

/** Why a form token was refused, or `ok` with its age. */
export type FormTokenCheck = { ok: true; ageMs: number } | { ok: false; reason: 'invalid' | 'too_fast' | 'expired' };

/** Checks a form token: signed for this site, at least `minAgeMs` and at most `maxAgeMs` old. */
export function checkFormToken(secret: string, slug: string, token: string, minAgeMs: number, maxAgeMs: number, now = Date.now()): FormTokenCheck {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(signature(secret, slug, issuedAt));
  if (!timingSafeEqual(expected, Buffer.from(match[2]!))) return { ok: false, reason: 'invalid' };
  const ageMs = now - issuedAt;
  if (ageMs < minAgeMs) return { ok: false, reason: 'too_fast' };
  if (ageMs > maxAgeMs) return { ok: false, reason: 'expired' };
  return { ok: true, ageMs };
}
