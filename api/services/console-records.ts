import type { EntityManager } from '@mikro-orm/postgresql';
import { analyticsReport } from '../../db/analytics-reports.js';
import { addOperatorNote, operatorNotes, type AuditActor } from '../../db/audit-log.js';
import {
  Booking, CustomerSiteOwnership, CustomerUser, DomainVerificationRecord, EditRequest, EmailMessage, Payment, RefreshToken, Site, SiteVersion,
  Subscription, SupportTicket,
} from '../../db/entities/index.js';
import type { IOperatorNote } from '../../db/entities/operator-note.entity.js';
import type { IPayment } from '../../db/entities/payment.entity.js';
import type { ISubscription } from '../../db/entities/subscription.entity.js';
import { NotFoundError } from '../../lib/errors.js';
import { siteUrl, type SiteAddressConfig } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import type { CustomerRecordDto, SiteRecordDto } from '../schemas/back-office.js';
import { auditRows } from './audit-trail.js';
import { revokeFamily } from '../auth/sessions.js';

/** Rows per list on a record page: the newest first. */
const RECENT = 50;
/** Days of analytics the site page sums up. */
const ANALYTICS_DAYS = 30;

const iso = (at: Date | null | undefined) => at?.toISOString() ?? null;

function paymentView(p: IPayment) {
  return {
    id: p.id, provider: p.provider, provider_payment_id: p.providerPaymentId, provider_checkout_id: p.providerCheckoutId ?? null, kind: p.kind,
    status: p.status, amount_cents: p.amountCents, currency: p.currency, failure_reason: p.failureReason ?? null, paid_at: iso(p.paidAt),
    created_at: p.createdAt.toISOString(), site_id: p.site.id, site_slug: p.site.slug, customer_id: p.customer?.id ?? null, customer_email: p.customer?.email ?? null,
  };
}

const noteView = (n: IOperatorNote) => ({ id: n.id, author_name: n.authorName, body: n.body, created_at: n.createdAt.toISOString() });

function subscriptionView(s: ISubscription | undefined) {
  if (!s) return null;
  return {
    status: s.status, amount_cents: s.amountCents, currency: s.currency, provider_subscription_id: s.providerSubscriptionId ?? null,
    current_period_end: iso(s.currentPeriodEnd), grace_ends_at: iso(s.graceEndsAt), cancel_at_period_end: s.cancelAtPeriodEnd,
    cancelled_at: iso(s.cancelledAt), last_payment_failure: s.lastPaymentFailure ?? null,
  };
}

/** The customer's login sessions that can still refresh: one per refresh-token family with a live, unrotated token. */
async function liveSessions(em: EntityManager, customerId: string, now: Date): Promise<CustomerRecordDto['sessions']> {
  const live = await em.find(RefreshToken, { customer: customerId, revokedAt: null, rotatedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: 'desc' } });
  const families = [...new Set(live.map((t) => t.familyId))];
  const first = families.length === 0 ? [] : await em.find(RefreshToken, { familyId: { $in: families } }, { orderBy: { createdAt: 'asc' }, fields: ['familyId', 'createdAt'] });
  return families.map((family) => {
    const token = live.find((t) => t.familyId === family)!;
    const started = first.find((t) => t.familyId === family)?.createdAt ?? token.createdAt;
    return { id: family, started_at: started.toISOString(), last_refreshed_at: token.createdAt.toISOString(), expires_at: token.expiresAt.toISOString() };
  });
}

/** Everything an operator needs about one customer: profile, sessions, sites with role and subscription, money, tickets, edits, emails. */
export async function customerRecord(em: EntityManager, customerId: string, now = new Date()): Promise<CustomerRecordDto> {
  const customer = await em.findOne(CustomerUser, customerId);
  if (!customer) throw new NotFoundError('customer_not_found', 'There is no customer with this id.');
  const ownerships = await em.find(CustomerSiteOwnership, { customer }, { populate: ['site'], orderBy: { acquiredAt: 'desc' } });
  const siteIds = ownerships.map((o) => o.site.id);
  const [sessions, subscriptions, payments, tickets, edits, emails, notes, audit] = await Promise.all([
    liveSessions(em, customer.id, now),
    em.find(Subscription, { site: { $in: siteIds } }),
    em.find(Payment, { customer }, { populate: ['site', 'customer'], orderBy: { createdAt: 'desc' }, limit: RECENT }),
    em.find(SupportTicket, { customer }, { populate: ['site'], orderBy: { createdAt: 'desc' }, limit: RECENT }),
    em.find(EditRequest, { $or: [{ requestedBy: customer }, { ticket: { customer } }] }, { populate: ['site'], orderBy: { createdAt: 'desc' }, limit: RECENT }),
    em.find(EmailMessage, { toAddress: customer.email }, { orderBy: { createdAt: 'desc' }, limit: RECENT }),
    operatorNotes(em, { customerId: customer.id }, RECENT),
    auditRows(em, { customerId: customer.id }),
  ]);
  return {
    id: customer.id, email: customer.email, full_name: customer.fullName, phone: customer.phone ?? null, is_active: customer.isActive,
    email_verified_at: iso(customer.emailVerifiedAt), last_login_at: iso(customer.lastLoginAt), created_at: customer.createdAt.toISOString(),
    sessions,
    sites: ownerships.map((o) => ({
      id: o.site.id, slug: o.site.slug, title: o.site.title, status: o.site.status, role: o.role, is_primary: o.isPrimary, acquired_at: o.acquiredAt.toISOString(),
      subscription: subscriptionView(subscriptions.find((s) => s.site.id === o.site.id)),
    })),
    payments: payments.map(paymentView),
    tickets: tickets.map((t) => ({ id: t.id, subject: t.subject, status: t.status, priority: t.priority, created_at: t.createdAt.toISOString(), site_id: t.site.id, site_slug: t.site.slug })),
    edit_requests: edits.map((e) => ({ id: e.id, request_text: e.requestText, status: e.status, created_at: e.createdAt.toISOString(), site_id: e.site.id, site_slug: e.site.slug })),
    emails: emails.map((m) => ({ id: m.id, template: m.template, status: m.status, created_at: m.createdAt.toISOString(), sent_at: iso(m.sentAt), error: m.error ?? null })),
    notes: notes.map(noteView),
    audit,
  };
}

/** Ends one of the customer's login sessions: every token of the refresh-token family, so its access tokens stop working too. */
export async function revokeCustomerSession(em: EntityManager, customerId: string, familyId: string): Promise<void> {
  if ((await em.count(RefreshToken, { customer: customerId, familyId })) === 0) {
    throw new NotFoundError('session_not_found', 'This customer has no session with this id.');
  }
  await revokeFamily(em, familyId);
}

/** The site's visits, sessions, views, bookings, claims and purchases of the last 30 days, from the hourly roll-ups. */
async function analyticsSummary(em: EntityManager, siteId: string, now: Date): Promise<SiteRecordDto['analytics']> {
  const { totals } = await analyticsReport(em, siteId, new Date(now.getTime() - ANALYTICS_DAYS * 86_400_000), now);
  return {
    days: ANALYTICS_DAYS, visitors: totals.visitors, sessions: totals.sessions, page_views: totals.pageViews, bookings: totals.bookings,
    claims_started: totals.claimsStarted, purchases: totals.purchases,
  };
}

/** Everything an operator needs about one site: people, versions, domain checks, money, bookings, analytics and its workflows. */
export async function siteRecord(em: EntityManager, config: SiteAddressConfig, siteId: string, now = new Date()): Promise<SiteRecordDto> {
  const site = await em.findOne(Site, siteId, { populate: ['business', 'currentVersion'] });
  if (!site) throw new NotFoundError('site_not_found', 'There is no site with this id.');
  const [people, versions, checks, subscription, payments, bookingsTotal, bookings, analytics, notes, audit] = await Promise.all([
    em.find(CustomerSiteOwnership, { site }, { populate: ['customer'], orderBy: { role: 'desc', acquiredAt: 'asc' } }),
    em.find(SiteVersion, { site }, { orderBy: { versionNumber: 'desc' }, limit: RECENT, fields: ['versionNumber', 'createdBy', 'changeSummary', 'createdAt', 'publishedAt', 'discardedAt'] }),
    em.find(DomainVerificationRecord, { site }, { orderBy: { createdAt: 'desc' }, limit: RECENT }),
    em.findOne(Subscription, { site }),
    em.find(Payment, { site }, { populate: ['site', 'customer'], orderBy: { createdAt: 'desc' }, limit: RECENT }),
    em.count(Booking, { site }),
    em.find(Booking, { site }, { orderBy: { createdAt: 'desc' }, limit: 10, fields: ['kind', 'name', 'status', 'createdAt'] }),
    analyticsSummary(em, site.id, now),
    operatorNotes(em, { siteId: site.id }, RECENT),
    auditRows(em, { siteId: site.id }),
  ]);
  return {
    id: site.id, slug: site.slug, title: site.title, status: site.status, subscription_status: site.subscriptionStatus,
    site_url: siteUrl(config, site.slug, site.customDomain), custom_domain: site.customDomain ?? null, purchased_at: iso(site.purchasedAt),
    created_at: site.createdAt.toISOString(), current_version: site.currentVersion?.versionNumber ?? null,
    business: { name: site.business.name, category: site.business.category, city: site.business.city ?? null, phone: site.business.phone ?? null, email: site.business.email ?? null },
    people: people.map((o) => ({ customer_id: o.customer.id, email: o.customer.email, full_name: o.customer.fullName, role: o.role, acquired_at: o.acquiredAt.toISOString() })),
    versions: versions.map((v) => ({
      number: v.versionNumber, created_by: v.createdBy, change_summary: v.changeSummary ?? null, created_at: v.createdAt.toISOString(),
      published_at: iso(v.publishedAt), discarded_at: iso(v.discardedAt),
    })),
    domain_checks: checks.map((d) => ({
      id: d.id, domain: d.domain, status: d.status, created_at: d.createdAt.toISOString(), checked_at: iso(d.checkedAt), verified_at: iso(d.verifiedAt),
      expires_at: d.expiresAt.toISOString(), missing_since: iso(d.missingSince),
    })),
    subscription: subscriptionView(subscription ?? undefined),
    payments: payments.map(paymentView),
    bookings: { total: bookingsTotal, recent: bookings.map((b) => ({ id: b.id, kind: b.kind, name: b.name, status: b.status, created_at: b.createdAt.toISOString() })) },
    analytics,
    workflows: [
      { kind: 'claim', workflow_id: workflowIds.claim(site.id) },
      { kind: 'subscription', workflow_id: workflowIds.subscription(site.id) },
      { kind: 'domain', workflow_id: workflowIds.customDomain(site.id) },
      { kind: 'transfer', workflow_id: workflowIds.siteTransfer(site.id) },
    ],
    notes: notes.map(noteView),
    audit,
  };
}

/** Leaves an operator's note on a customer or a site that exists. */
export async function leaveNote(em: EntityManager, author: AuditActor, about: { customerId: string } | { siteId: string }, body: string) {
  const exists = 'customerId' in about ? await em.count(CustomerUser, about.customerId) : await em.count(Site, about.siteId);
  if (exists === 0) throw new NotFoundError('customerId' in about ? 'customer_not_found' : 'site_not_found', 'customerId' in about ? 'There is no customer with this id.' : 'There is no site with this id.');
  const note = addOperatorNote(em, author, about, body.trim());
  await em.flush();
  return noteView(note);
}
