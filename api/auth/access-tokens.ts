import { errors, jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '../../lib/config.js';
import { AuthError } from '../../lib/errors.js';

const ISSUER = 'webmagic';
const AUDIENCE = 'webmagic:customer';
const ALGORITHM = 'HS256';

/** What a verified customer access token says: who (`sub`) and which login session (`sid`, the refresh-token family). */
export interface AccessClaims {
  customerId: string;
  sessionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const keys = new Map<string, Uint8Array>();

function signingKey(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keys.set(secret, key);
  }
  return key;
}

/** Signs a short-lived HS256 access token for the customer's session. */
export async function signAccessToken(auth: AppConfig['auth'], claims: AccessClaims, now = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ typ: 'access', sid: claims.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.customerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + Math.floor(auth.accessTokenTtlMs / 1000))
    .sign(signingKey(auth.jwtSecret));
}

/** How many verified tokens each signing secret keeps; the oldest is dropped first. */
const VERIFIED_CACHE_SIZE = 10_000;
const verified = new Map<string, Map<string, { claims: AccessClaims; expiresAtMs: number }>>();

/**
 * Verifies signature, algorithm, issuer, audience, expiry and token type; any failure is a 401. A token that
 * verified is remembered (bounded LRU per secret) until it expires, so a client's repeated calls cost a map lookup.
 */
export async function verifyAccessToken(auth: AppConfig['auth'], token: string): Promise<AccessClaims> {
  let cache = verified.get(auth.jwtSecret);
  if (!cache) {
    cache = new Map();
    verified.set(auth.jwtSecret, cache);
  }
  const hit = cache.get(token);
  if (hit) {
    cache.delete(token);
    if (hit.expiresAtMs > Date.now()) {
      cache.set(token, hit);
      return hit.claims;
    }
  }
  const { claims, expiresAtMs } = await verifyUncached(auth, token);
  if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(token, { claims, expiresAtMs });
  return claims;
}

async function verifyUncached(auth: AppConfig['auth'], token: string): Promise<{ claims: AccessClaims; expiresAtMs: number }> {
  try {
    const { payload } = await jwtVerify(token, signingKey(auth.jwtSecret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'sid'] });
    // Ids are UUIDs; anything else (even correctly signed) would only fail later, in the database.
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !UUID.test(payload.sub) || !UUID.test(payload.sid)) {
      throw new AuthError('invalid_access_token', 'The access token is not valid');
    }
    return { claims: { customerId: payload.sub, sessionId: payload.sid }, expiresAtMs: (payload.exp ?? 0) * 1000 };
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if (error instanceof errors.JWTExpired) throw new AuthError('access_token_expired', 'The access token has expired; refresh it');
    throw new AuthError('invalid_access_token', 'The access token is not valid');
  }
}
