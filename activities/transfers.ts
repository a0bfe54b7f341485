import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, CustomerUser, OneTimeToken, Site, Subscription } from '../db/entities/index.js';
import { recordAudit, type AuditActor } from '../db/audit-log.js';
import { reelectPrimarySite } from '../db/ownership.js';
import { linkBase } from '../lib/auth/one-time-tokens.js';
import { derivedToken, hashToken } from '../lib/auth/secrets.js';
import type { AppConfig } from '../lib/config.js';
import type { SendEmailInput } from '../lib/email/templates.js';
import { siteUrl } from '../lib/urls.js';

/** What the transfer workflow learns when it prepares the invitation. */
export interface PreparedTransfer {
  recipientCustomerId: string;
  siteTitle: string;
  fromName: string;
  /** The invitation, its accept link minted when it is sent. */
  invitation: SendEmailInput;
}

/** What carrying out an accepted transfer answers: the two people to tell, and until when the old owner's payment keeps the site online. */
export type CompletedTransfer =
  | {
      done: true;
      siteTitle: string;
      siteUrl: string;
      from: { email: string; name: string };
      to: { email: string; name: string };
      /** The end of the period the old owner paid (active or past-due subscription), else null. */
      paidUntil: string | null;
    }
  | { done: false; reason: string };

/** The idempotency key of a transfer's invitation email, from which its link token is derived. */
export function transferInvitationKey(transferId: string): string {
  return `transfer:${transferId}:invitation`;
}

/** Appends an audit entry unless this transfer already has one for this action (a retried activity). */
async function auditOnce(em: EntityManager, transferId: string, entry: Parameters<typeof recordAudit>[1]): Promise<void> {
  const rows = await em.getConnection().execute<{ n: number }[]>(
    `select count(*)::int as n from audit_entries where action = ? and site_id = ? and details->>'transferId' = ?`,
    [entry.action, entry.siteId ?? null, transferId], 'all', em.getTransactionContext());
  if ((rows[0]?.n ?? 0) > 0) return;
  recordAudit(em, { ...entry, details: { ...entry.details, transferId } });
}

/**
 * The database steps of a site transfer. Each is idempotent on the transfer id (audit entries are written once per
 * transfer and action, the ownership move finds its own earlier work), so a retried activity changes nothing twice.
 */
export function createTransferActivities(deps: { orm: MikroORM; config: AppConfig }) {
  return {
    /**
     * Finds the recipient's account by email or opens one without a password (nothing of an existing account is
     * changed), records the request in the audit log, and builds the invitation carrying the accept link.
     */
    async prepareTransfer(input: {
      transferId: string; siteId: string; fromCustomerId: string; recipientEmail: string; requestedBy: AuditActor; reason: string | null; expiresAt: string;
    }): Promise<PreparedTransfer> {
      const email = input.recipientEmail.trim().toLowerCase();
      return deps.orm.em.fork().transactional(async (em) => {
        await em.upsert(CustomerUser, { email, fullName: email.split('@')[0]! }, { onConflictFields: ['email'], onConflictAction: 'ignore' });
        const recipient = await em.findOneOrFail(CustomerUser, { email });
        const site = await em.findOneOrFail(Site, input.siteId);
        const from = await em.findOneOrFail(CustomerUser, input.fromCustomerId);
        await auditOnce(em, input.transferId, {
          actor: input.requestedBy, action: 'site.transfer_requested', reason: input.reason, customerId: from.id, siteId: site.id,
          details: { recipientEmail: email, recipientCustomerId: recipient.id, expiresAt: input.expiresAt },
        });
        return {
          recipientCustomerId: recipient.id,
          siteTitle: site.title,
          fromName: from.fullName,
          invitation: {
            idempotencyKey: transferInvitationKey(input.transferId),
            to: email,
            template: 'site_transfer_invitation',
            model: { fromName: from.fullName, siteTitle: site.title, siteUrl: siteUrl(deps.config, site.slug, site.customDomain), acceptUrl: linkBase(deps.config, 'accept_transfer'), expiresAt: input.expiresAt },
            oneTimeLink: { purpose: 'accept_transfer', customerId: recipient.id, params: { site: site.id } },
          },
        };
      });
    },

    /**
     * Moves the site from the old owner to the recipient in one transaction: the old owner's role ends (their primary
     * site is re-elected), the recipient becomes owner (primary when it is their first site; a collaborator is
     * promoted), the subscription row names the new owner, and the audit log says so. Refused, changing nothing, when
     * the site no longer belongs to the owner who asked.
     */
    async completeTransfer(input: { transferId: string; siteId: string; fromCustomerId: string; recipientCustomerId: string }): Promise<CompletedTransfer> {
      return deps.orm.em.fork().transactional(async (em) => {
        const site = await em.findOneOrFail(Site, input.siteId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const owner = await em.findOne(CustomerSiteOwnership, { site: site.id, role: 'owner' }, { populate: ['customer'] });
        const from = await em.findOneOrFail(CustomerUser, input.fromCustomerId);
        const to = await em.findOneOrFail(CustomerUser, input.recipientCustomerId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (owner?.customer.id !== to.id) {
          if (owner?.customer.id !== from.id) return { done: false, reason: 'The site no longer belongs to the owner who asked for the transfer.' };
          em.remove(owner);
          await em.flush();
          const existing = await em.findOne(CustomerSiteOwnership, { customer: to.id, site: site.id });
          const isPrimary = (await em.count(CustomerSiteOwnership, { customer: to.id, isPrimary: true })) === 0;
          if (existing) Object.assign(existing, { role: 'owner', acquiredAt: new Date() });
          else em.create(CustomerSiteOwnership, { customer: to, site, role: 'owner', isPrimary, acquiredAt: new Date() });
          if (!existing && isPrimary) to.primarySite = site;
          await em.flush();
          await reelectPrimarySite(em, from.id);
          await em.nativeUpdate(Subscription, { site: site.id }, { customer: to.id });
          await auditOnce(em, input.transferId, {
            actor: { kind: 'customer', id: to.id, name: to.fullName }, action: 'site.transfer_accepted', customerId: to.id, siteId: site.id,
            details: { fromCustomerId: from.id, fromEmail: from.email, toEmail: to.email },
          });
        }
        const subscription = await em.findOne(Subscription, { site: site.id });
        const paying = subscription && (subscription.status === 'active' || subscription.status === 'past_due');
        return {
          done: true, siteTitle: site.title, siteUrl: siteUrl(deps.config, site.slug, site.customDomain), from: { email: from.email, name: from.fullName }, to: { email: to.email, name: to.fullName },
          paidUntil: paying ? (subscription.graceEndsAt ?? subscription.currentPeriodEnd)?.toISOString() ?? null : null,
        };
      });
    },

    /** Closes a transfer that was not accepted: voids its accept link and records who ended it (the platform for an expiry) and why. */
    async closeTransfer(input: {
      transferId: string; siteId: string; fromCustomerId: string; outcome: 'expired' | 'cancelled'; actor: AuditActor; reason: string | null;
    }): Promise<{ from: { email: string; name: string }; siteTitle: string }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const token = derivedToken(deps.config.auth.jwtSecret, `accept_transfer:${transferInvitationKey(input.transferId)}`);
        await em.nativeUpdate(OneTimeToken, { tokenHash: hashToken(token), usedAt: null }, { usedAt: new Date() });
        const from = await em.findOneOrFail(CustomerUser, input.fromCustomerId);
        const site = await em.findOneOrFail(Site, input.siteId);
        await auditOnce(em, input.transferId, {
          actor: input.actor, action: `site.transfer_${input.outcome}`, reason: input.reason, customerId: from.id, siteId: site.id, details: {},
        });
        return { from: { email: from.email, name: from.fullName }, siteTitle: site.title };
      });
    },
  };
}
