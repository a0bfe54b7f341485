import type { EntityManager } from '@mikro-orm/postgresql';
import { derivedToken, hashToken, randomToken } from '../lib/auth/secrets.js';
import { LINK_FIELDS, linkBase, linkEmailKey, ONE_TIME_TOKEN_TTL_MS, tokenLink, type OneTimeTokenPurpose } from '../lib/auth/one-time-tokens.js';
import type { AppConfig } from '../lib/config.js';
import type { SendEmailInput } from '../lib/email/templates.js';
import { ValidationError } from '../lib/errors.js';
import { CustomerUser, OneTimeToken } from './entities/index.js';
import type { ICustomerUser } from './entities/customer-user.entity.js';
import type { IOneTimeToken } from './entities/one-time-token.entity.js';

/** A freshly issued link token: the secret (only ever emailed) and its stored row. */
export interface IssuedToken {
  token: string;
  row: IOneTimeToken;
}

/**
 * Stores the hash of a new single-use token for the customer. With `idempotencyKey` the token is derived from the
 * server secret and that key, so issuing twice (a retried activity) returns the same token and row.
 */
export async function issueOneTimeToken(
  em: EntityManager,
  customer: ICustomerUser,
  purpose: OneTimeTokenPurpose,
  options: { now?: Date; derive?: { serverKey: string; idempotencyKey: string } } = {},
): Promise<IssuedToken> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + ONE_TIME_TOKEN_TTL_MS[purpose]);
  if (options.derive) {
    const token = derivedToken(options.derive.serverKey, `${purpose}:${options.derive.idempotencyKey}`);
    const tokenHash = hashToken(token);
    await em.upsert(OneTimeToken, { customer: customer.id, purpose, tokenHash, expiresAt }, { onConflictFields: ['tokenHash'], onConflictAction: 'ignore' });
    return { token, row: await em.findOneOrFail(OneTimeToken, { tokenHash }) };
  }
  const token = randomToken();
  const row = em.create(OneTimeToken, { customer, purpose, tokenHash: hashToken(token), expiresAt });
  await em.flush();
  return { token, row };
}

/**
 * Spends a token: it must exist for this purpose, be unexpired and unused. Marks it used atomically, so two
 * concurrent requests with one token cannot both succeed. Call inside the transaction that applies its effect.
 */
export async function consumeOneTimeToken(em: EntityManager, token: string, purpose: OneTimeTokenPurpose, now = new Date()): Promise<ICustomerUser> {
  const row = await em.findOne(OneTimeToken, { tokenHash: hashToken(token), purpose });
  if (!row) throw invalidToken('This link is not valid. Request a new one.');
  if (row.usedAt) throw invalidToken('This link has already been used. Request a new one.');
  if (row.expiresAt.getTime() <= now.getTime()) throw invalidToken('This link has expired. Request a new one.');
  const claimed = await em.nativeUpdate(OneTimeToken, { id: row.id, usedAt: null }, { usedAt: now });
  if (claimed !== 1) throw invalidToken('This link has already been used. Request a new one.');
  return em.findOneOrFail(CustomerUser, { id: row.customer.id });
}

/** What an emailed link's token is now: usable, already used, expired, or not a link of this kind at all. */
export type LinkState = 'usable' | 'used' | 'expired' | 'invalid';

/** The state of a token for this purpose, without spending it, so a page can say at once that its link was used. */
export async function oneTimeTokenState(em: EntityManager, token: string, purpose: OneTimeTokenPurpose, now = new Date()): Promise<LinkState> {
  const row = await em.findOne(OneTimeToken, { tokenHash: hashToken(token), purpose }, { populate: ['customer'] });
  if (!row || !row.customer.isActive) return 'invalid';
  if (row.usedAt) return 'used';
  return row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'usable';
}

/** Checks, without spending it, that a token is live for this purpose; answers its (active) customer or a 400. */
export async function assertUsableOneTimeToken(em: EntityManager, token: string, purpose: OneTimeTokenPurpose, now = new Date()): Promise<ICustomerUser> {
  const row = await em.findOne(OneTimeToken, { tokenHash: hashToken(token), purpose }, { populate: ['customer'] });
  if (!row) throw invalidToken('This link is not valid. Request a new one.');
  if (row.usedAt) throw invalidToken('This link has already been used. Request a new one.');
  if (row.expiresAt.getTime() <= now.getTime()) throw invalidToken('This link has expired. Request a new one.');
  if (!row.customer.isActive) throw invalidToken('This link is not valid. Request a new one.');
  return row.customer;
}

/** Voids the customer's outstanding links of these kinds, e.g. every reset link once the password has changed. */
export async function voidOneTimeTokens(em: EntityManager, customerId: string, purposes: OneTimeTokenPurpose[], now = new Date()): Promise<void> {
  await em.nativeUpdate(OneTimeToken, { customer: customerId, purpose: { $in: purposes }, usedAt: null }, { usedAt: now });
}

function invalidToken(message: string): ValidationError {
  return new ValidationError('invalid_token', message);
}

/** Builds the "confirm your email address" email; the link's token is minted by the activity that sends it. */
export function verifyEmailMessage(config: Pick<AppConfig, 'publicBaseUrl'>, customer: ICustomerUser, idempotencyKey = linkEmailKey('verify_email')): SendEmailInput {
  return {
    idempotencyKey,
    to: customer.email,
    template: 'verify_email',
    model: { name: customer.fullName, verifyUrl: linkBase(config, 'verify_email') },
    oneTimeLink: { purpose: 'verify_email', customerId: customer.id },
  };
}

/** Builds the password-reset email; the link's token is minted by the activity that sends it. */
export function passwordResetMessage(config: Pick<AppConfig, 'publicBaseUrl'>, customer: ICustomerUser, idempotencyKey = linkEmailKey('reset_password')): SendEmailInput {
  return {
    idempotencyKey,
    to: customer.email,
    template: 'password_reset',
    model: { name: customer.fullName, resetUrl: linkBase(config, 'reset_password'), expiresInMinutes: ONE_TIME_TOKEN_TTL_MS.reset_password / 60_000 },
    oneTimeLink: { purpose: 'reset_password', customerId: customer.id },
  };
}

/**
 * The welcome email of an owner created by a purchase, carrying the set-password link. Only the link's kind and
 * owner go into the workflow; the token is minted (the same one on a retry) by the activity that sends the email.
 */
export async function prepareWelcomeSetPasswordEmail(
  em: EntityManager,
  config: Pick<AppConfig, 'publicBaseUrl'>,
  input: { customerId: string; siteTitle: string; idempotencyKey: string },
): Promise<SendEmailInput> {
  const customer = await em.findOneOrFail(CustomerUser, { id: input.customerId });
  return {
    idempotencyKey: input.idempotencyKey,
    to: customer.email,
    template: 'welcome_set_password',
    model: { name: customer.fullName, siteTitle: input.siteTitle, setPasswordUrl: linkBase(config, 'set_password') },
    oneTimeLink: { purpose: 'set_password', customerId: customer.id },
  };
}

/**
 * Mints the token of an email's link (derived from the server key and the email's idempotency key, so a retried
 * send mints the same token and row) and returns the email with the full link in its model.
 */
export async function withMintedLink(em: EntityManager, config: Pick<AppConfig, 'publicBaseUrl' | 'auth'>, input: SendEmailInput): Promise<SendEmailInput> {
  const link = input.oneTimeLink;
  if (!link || !(input.template in LINK_FIELDS)) return input;
  const customer = await em.findOneOrFail(CustomerUser, { id: link.customerId });
  const issued = await issueOneTimeToken(em, customer, link.purpose, { derive: { serverKey: config.auth.jwtSecret, idempotencyKey: input.idempotencyKey } });
  const field = LINK_FIELDS[input.template as keyof typeof LINK_FIELDS];
  return { ...input, model: { ...input.model, [field]: tokenLink(config, link.purpose, issued.token, link.params) } } as SendEmailInput;
}
