import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import type { OneTimeTokenPurpose } from '../../db/entities/one-time-token.entity.js';
import {
  assertUsableOneTimeToken,
  consumeOneTimeToken,
  passwordResetMessage,
  verifyEmailMessage,
  voidOneTimeTokens,
} from '../../db/one-time-tokens.js';
import { describePasswordProblems, hashPassword, needsRehash, passwordProblems } from '../../lib/auth/passwords.js';
import type { AppConfig } from '../../lib/config.js';
import { ValidationError } from '../../lib/errors.js';
import { siteUrl } from '../../lib/urls.js';
import { revokeCustomerSessions, startSession, type SessionTokens } from '../auth/sessions.js';
import type { ApiDeps } from '../deps.js';
import { queueEmail } from '../email.js';
import type { CustomerProfileDto } from '../schemas/customer.js';

/** Refuses a password that is too weak, naming each problem. */
export function assertStrongPassword(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new ValidationError('weak_password', describePasswordProblems(problems), { problems });
}

/** The customer as `/customer/me` and the session answers show them: owned-site count and primary site. */
export async function customerProfile(config: AppConfig, em: EntityManager, customer: ICustomerUser): Promise<CustomerProfileDto> {
  const ownedSites = await em.count(CustomerSiteOwnership, { customer: customer.id, role: 'owner' });
  const primary = await em.findOne(CustomerSiteOwnership, { customer: customer.id, isPrimary: true }, { populate: ['site'] });
  return {
    id: customer.id,
    email: customer.email,
    full_name: customer.fullName,
    phone: customer.phone ?? null,
    email_verified: customer.emailVerifiedAt != null,
    email_verified_at: customer.emailVerifiedAt?.toISOString() ?? null,
    has_password: customer.passwordHash != null,
    created_at: customer.createdAt.toISOString(),
    last_login_at: customer.lastLoginAt?.toISOString() ?? null,
    owned_sites_count: ownedSites,
    primary_site: primary
      ? {
          site_id: primary.site.id,
          slug: primary.site.slug,
          site_title: primary.site.title,
          site_url: siteUrl(config, primary.site.slug, primary.site.customDomain),
          status: primary.site.status,
        }
      : null,
  };
}

/** The account of an email address (already normalized), if any. */
export async function findCustomerByEmail(em: EntityManager, email: string): Promise<ICustomerUser | null> {
  return em.findOne(CustomerUser, { email });
}

/**
 * Creates the account and emails its confirmation link; for an address that already has an account, emails its
 * active owner a password-reset link instead, so the answer never tells who has an account.
 */
export async function registerCustomer(deps: ApiDeps, em: EntityManager, input: { email: string; passwordHash: string; fullName: string; phone: string | null }): Promise<void> {
  let existing = await em.findOne(CustomerUser, { email: input.email });
  if (!existing) {
    try {
      const customer = em.create(CustomerUser, { email: input.email, passwordHash: input.passwordHash, fullName: input.fullName, phone: input.phone });
      await em.flush();
      await queueEmail(deps, verifyEmailMessage(deps.config, customer));
      return;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      em.clear();
      existing = await em.findOneOrFail(CustomerUser, { email: input.email });
    }
  }
  // The email is a password-reset link, not a verification link: confirming an unverified account someone else
  // registered would hand them the owner's address.
  if (existing.isActive) await queueEmail(deps, passwordResetMessage(deps.config, existing));
}

/** Emails a new confirmation link to an active account that has not confirmed its address yet. */
export async function resendVerification(deps: ApiDeps, em: EntityManager, email: string): Promise<void> {
  const customer = await em.findOne(CustomerUser, { email });
  if (customer?.isActive && !customer.emailVerifiedAt) await queueEmail(deps, verifyEmailMessage(deps.config, customer));
}

/** Emails a password-reset link to an active account. */
export async function sendPasswordReset(deps: ApiDeps, em: EntityManager, email: string): Promise<void> {
  const customer = await em.findOne(CustomerUser, { email });
  if (customer?.isActive) await queueEmail(deps, passwordResetMessage(deps.config, customer));
}

/** Starts a session after a correct password: rehashes an outdated hash and records the login time. */
export async function signIn(em: EntityManager, config: AppConfig, customer: ICustomerUser, password: string): Promise<SessionTokens> {
  if (customer.passwordHash && needsRehash(customer.passwordHash)) customer.passwordHash = await hashPassword(password);
  customer.lastLoginAt = new Date();
  return startSession(em, config.auth, customer);
}

/** Spends a verify-email link: the address counts as confirmed and the account's other such links end. */
export async function confirmEmail(em: EntityManager, token: string): Promise<void> {
  await em.transactional(async (tx) => {
    const customer = await consumeOneTimeToken(tx, token, 'verify_email');
    customer.emailVerifiedAt ??= new Date();
    await voidOneTimeTokens(tx, customer.id, ['verify_email']);
  });
}

/**
 * Spends a reset or set-password link and stores the new password, in one transaction: a weak password or a
 * spent link leaves everything as it was. Proves control of the inbox, so the email counts as verified; every
 * session and every other password link of the account ends.
 */
export async function setPasswordWithToken(em: EntityManager, token: string, purpose: OneTimeTokenPurpose, password: string): Promise<ICustomerUser> {
  // The token is checked before the (deliberately slow) hash, so invalid links cost nothing; the hash is made
  // outside the transaction, which then spends the token atomically.
  await assertUsableOneTimeToken(em, token, purpose);
  const passwordHash = await hashPassword(password);
  return em.transactional(async (tx) => {
    const customer = await consumeOneTimeToken(tx, token, purpose);
    if (!customer.isActive) throw new ValidationError('invalid_token', 'This link is not valid. Request a new one.');
    assertStrongPassword(password, customer.email);
    const now = new Date();
    customer.passwordHash = passwordHash;
    customer.emailVerifiedAt ??= now;
    customer.lastLoginAt = now;
    await voidOneTimeTokens(tx, customer.id, ['reset_password', 'set_password'], now);
    await revokeCustomerSessions(tx, customer.id, { now });
    return customer;
  });
}

/** Stores a new password; the account's password links and every other session end. */
export async function changePassword(em: EntityManager, customer: ICustomerUser, sessionId: string, newPassword: string): Promise<void> {
  assertStrongPassword(newPassword, customer.email);
  const now = new Date();
  customer.passwordHash = await hashPassword(newPassword);
  await em.transactional(async (tx) => {
    tx.persist(customer);
    await voidOneTimeTokens(tx, customer.id, ['reset_password', 'set_password'], now);
    await revokeCustomerSessions(tx, customer.id, { except: sessionId, now });
  });
}

/** Changes the name and / or phone number. */
export async function updateProfile(em: EntityManager, customer: ICustomerUser, change: { fullName?: string | undefined; phone?: string | null | undefined }): Promise<void> {
  if (change.fullName !== undefined) customer.fullName = change.fullName;
  if (change.phone !== undefined) customer.phone = change.phone;
  await em.flush();
}
