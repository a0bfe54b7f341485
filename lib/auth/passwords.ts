import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane): about 20 ms per hash on one core and bounded memory
 * per concurrent login. Hashes record their own parameters, so raising these upgrades old hashes at the next login.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shortest password the policy accepts. */
export const MIN_PASSWORD_LENGTH = FIELD_LIMITS.password.min;
/** Longest password accepted anywhere, so a request cannot make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = FIELD_LIMITS.password.max;

/** Hashes a password with argon2id; the result embeds salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** True when the password matches the hash; a malformed hash counts as no match. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when the hash was made with weaker parameters than the current ones. */
export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, HASH_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real verification, so "no such account" is not told apart from "wrong password" by timing. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
  return false;
}

const CHARACTER_CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{Ll}\p{Lu}\p{N}]/u];

/**
 * The policy's "at least two kinds of characters" as a JSON Schema pattern (a Unicode regular expression), for the
 * OpenAPI document: the password is not made of one kind only (lower-case, upper-case, digits, anything else).
 */
export const TWO_KINDS_PATTERN = '^(?!\\p{Ll}*$)(?!\\p{Lu}*$)(?!\\p{N}*$)(?![^\\p{Ll}\\p{Lu}\\p{N}]*$)';

/** Problems of a candidate password for the account with this email; empty when the policy accepts it. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push(`use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (CHARACTER_CLASSES.filter((re) => re.test(password)).length < 2) {
    problems.push('mix at least two kinds of characters (lower-case letters, upper-case letters, digits, symbols)');
  }
  const lower = password.toLowerCase();
  const normalizedEmail = email.toLowerCase();
  const localPart = normalizedEmail.split('@')[0] ?? '';
  if (lower.includes(normalizedEmail) || lower === localPart || (localPart.length >= 4 && lower.includes(localPart))) {
    problems.push('do not use your email address in it');
  }
  return problems;
}

/** The sentence shown for a rejected password. */
export function describePasswordProblems(problems: string[]): string {
  return `Choose a stronger password: ${problems.join('; ')}.`;
}
