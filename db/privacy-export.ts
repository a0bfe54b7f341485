import type { EntityManager } from '@mikro-orm/postgresql';
import { auditTrail } from './audit-log.js';
import {
  Booking, CollaboratorInvitation, CustomerSiteOwnership, CustomerUser, EditRequest, EmailMessage, Payment, Subscription, SupportTicket, TicketMessage,
} from './entities/index.js';

/** One file of a person's data export: its name in the archive and its JSON content. */
export type ExportFiles = Record<string, unknown>;

/**
 * Everything held about a customer, one JSON document per kind: the profile, the sites they hold a role on, the
 * payments and subscriptions of their account, their support tickets with every message, their edit requests, the
 * emails sent to their address, bookings they made on sites as a visitor (by their address), collaborator
 * invitations they sent or received, and the audit entries about them. Visitors' bookings on their own sites are the
 * visitors' data, shown in the portal, and not part of the owner's export.
 */
export async function customerExport(em: EntityManager, customerId: string): Promise<ExportFiles> {
  const customer = await em.findOneOrFail(CustomerUser, customerId);
  const tickets = await em.find(SupportTicket, { customer: customerId }, { populate: ['site'], orderBy: { createdAt: 'asc' } });
  const messages = await em.find(TicketMessage, { ticket: { $in: tickets.map((t) => t.id) } }, { orderBy: { createdAt: 'asc' } });
  const [held, payments, subscriptions, edits, emails, bookings, invitations, audit] = await Promise.all([
    em.find(CustomerSiteOwnership, { customer: customerId }, { populate: ['site'], orderBy: { acquiredAt: 'asc' } }),
    em.find(Payment, { customer: customerId }, { populate: ['site'], orderBy: { createdAt: 'asc' } }),
    em.find(Subscription, { customer: customerId }, { populate: ['site'] }),
    em.find(EditRequest, { $or: [{ requestedBy: customerId }, { ticket: { $in: tickets.map((t) => t.id) } }] }, { populate: ['site'], orderBy: { createdAt: 'asc' } }),
    em.find(EmailMessage, { toAddress: customer.email }, { orderBy: { createdAt: 'asc' } }),
    em.find(Booking, { email: { $ilike: customer.email } }, { populate: ['site'], orderBy: { createdAt: 'asc' } }),
    em.find(CollaboratorInvitation, { $or: [{ invitedBy: customerId }, { email: customer.email }] }, { populate: ['site'], orderBy: { createdAt: 'asc' } }),
    auditTrail(em, { customerId }, 10_000),
  ]);
  return {
    'profile.json': {
      id: customer.id, email: customer.email, full_name: customer.fullName, phone: customer.phone, email_verified_at: customer.emailVerifiedAt,
      created_at: customer.createdAt, last_login_at: customer.lastLoginAt, is_active: customer.isActive,
    },
    'sites.json': held.map((o) => ({
      site_id: o.site.id, slug: o.site.slug, title: o.site.title, role: o.role, primary: o.isPrimary, acquired_at: o.acquiredAt, status: o.site.status,
      custom_domain: o.site.customDomain, purchased_at: o.site.purchasedAt,
    })),
    'payments.json': payments.map((p) => ({
      id: p.id, site: p.site.slug, kind: p.kind, amount_cents: p.amountCents, currency: p.currency, status: p.status, paid_at: p.paidAt, provider: p.provider,
      provider_payment_id: p.providerPaymentId, provider_checkout_id: p.providerCheckoutId, provider_subscription_id: p.providerSubscriptionId,
    })),
    'subscriptions.json': subscriptions.map((s) => ({
      site: s.site.slug, status: s.status, amount_cents: s.amountCents, currency: s.currency, current_period_start: s.currentPeriodStart,
      current_period_end: s.currentPeriodEnd, cancel_at_period_end: s.cancelAtPeriodEnd, cancelled_at: s.cancelledAt,
    })),
    'tickets.json': tickets.map((t) => ({
      id: t.id, site: t.site.slug, subject: t.subject, description: t.description, category: t.category, status: t.status, created_at: t.createdAt,
      messages: messages.filter((m) => m.ticket.id === t.id).map((m) => ({ author: m.authorType, body: m.body, at: m.createdAt })),
    })),
    'edit-requests.json': edits.map((e) => ({ id: e.id, site: e.site.slug, request: e.requestText, status: e.status, decision: e.decision, created_at: e.createdAt })),
    'emails.json': emails.map((m) => ({ template: m.template, status: m.status, sent_at: m.sentAt, created_at: m.createdAt, content: m.model })),
    'bookings-you-made.json': bookings.map((b) => ({
      site: b.site.slug, name: b.name, email: b.email, phone: b.phone, message: b.message, preferred_time: b.preferredTime, at: b.createdAt,
    })),
    'invitations.json': invitations.map((i) => ({ site: i.site.slug, email: i.email, sent_by_you: i.invitedBy?.id === customerId, status: i.status, created_at: i.createdAt })),
    'audit-log.json': audit.map((a) => ({ at: a.createdAt, actor: a.actorName, action: a.action, reason: a.reason, site_id: a.siteId, details: a.details })),
  };
}
