import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { pseudonymiseAudit, recordAudit, type AuditActor } from './audit-log.js';
import { voidOneTimeTokens } from './one-time-tokens.js';
import {
  Booking, CollaboratorInvitation, CustomerSiteOwnership, CustomerUser, EditRequest, EmailMessage, ErasureRequest, PurchaseHold, RefreshToken,
  SupportTicket, TicketMessage, VisitorSession,
} from './entities/index.js';
import type { IErasureRequest } from './entities/erasure-request.entity.js';
import { ONE_TIME_TOKEN_PURPOSES } from './entities/one-time-token.entity.js';

/** What erased free text reads afterwards. */
export const ERASED = '[erased]';

/**
 * Tables whose text columns the final sweep does not rewrite: the audit log (rewritten only through pseudonymiseAudit),
 * a site's own published content and business listing (the business's, not the person's), and tables that hold no
 * free text about a person (hashes, counters, analytics keyed by anonymous visitor ids).
 */
const SWEEP_SKIPS = new Set([
  'audit_entries', 'site_versions', 'businesses', 'sites', 'mikro_orm_migrations', 'analytics_events', 'analytics_hourly', 'analytics_hourly_dimensions',
  'analytics_daily_dimensions', 'visitor_sessions', 'experiments', 'experiment_assignments', 'rate_limit_counters', 'one_time_tokens', 'refresh_tokens',
  'operator_sessions', 'operators', 'processed_payments', 'erasure_requests',
]);

/** The address an erased account keeps (unique, never deliverable). */
export function erasedAddress(pseudonym: string): string {
  return `${pseudonym}@erased.invalid`;
}

/** A customer's pending erasure, if any. */
export function pendingCustomerErasure(em: EntityManager, customerId: string): Promise<IErasureRequest | null> {
  return em.findOne(ErasureRequest, { customer: customerId, status: 'pending' });
}

/** Stores a pending erasure of the customer's account (409 when one is pending) and audits it. */
export async function requestCustomerErasure(em: EntityManager, customerId: string, eraseAfter: Date, actor: AuditActor, reason: string | null = null): Promise<IErasureRequest> {
  if (await pendingCustomerErasure(em, customerId)) throw new ConflictError('erasure_pending', 'The deletion of this account is already scheduled.');
  const request = em.create(ErasureRequest, { subject: 'customer', customer: customerId, pseudonym: 'pending', eraseAfter, requestedBy: actor.kind === 'customer' ? 'the customer' : actor.name, reason });
  request.pseudonym = `erased-${request.id.slice(0, 8)}`;
  recordAudit(em, { actor, action: 'privacy.erasure_requested', reason, customerId, details: { erasureRequestId: request.id, eraseAfter: eraseAfter.toISOString() } });
  await em.flush();
  return request;
}

/** Stores an operator's erasure of a site visitor known by `email` (bookings, analytics sessions, emails) and audits it without the address. */
export async function requestVisitorErasure(em: EntityManager, email: string, eraseAfter: Date, actor: AuditActor, reason: string): Promise<IErasureRequest> {
  const request = em.create(ErasureRequest, { subject: 'visitor', subjectEmail: email, pseudonym: 'pending', eraseAfter, requestedBy: actor.name, reason });
  request.pseudonym = `erased-${request.id.slice(0, 8)}`;
  recordAudit(em, { actor, action: 'privacy.visitor_erasure_requested', reason, details: { erasureRequestId: request.id, pseudonym: request.pseudonym } });
  await em.flush();
  return request;
}

/** Marks a pending erasure undone and audits it; false when it was no longer pending. */
export async function cancelErasure(em: EntityManager, requestId: string, actor: AuditActor, now = new Date()): Promise<boolean> {
  const request = await em.findOneOrFail(ErasureRequest, requestId);
  if (request.status !== 'pending') return false;
  Object.assign(request, { status: 'cancelled', cancelledAt: now });
  recordAudit(em, { actor, action: 'privacy.erasure_cancelled', customerId: request.customer?.id ?? null, details: { erasureRequestId: request.id } });
  await em.flush();
  return true;
}

/** Who the erasure's emails go to (read before the address is erased); null once it is gone. */
export async function erasureRecipient(em: EntityManager, requestId: string): Promise<{ to: string; name: string } | null> {
  const request = await em.findOneOrFail(ErasureRequest, requestId, { populate: ['customer'] });
  if (request.status === 'completed') return null;
  if (request.subject === 'visitor') return request.subjectEmail ? { to: request.subjectEmail, name: 'there' } : null;
  return request.customer ? { to: request.customer.email, name: request.customer.fullName } : null;
}

/** The sites the customer owns (their subscriptions end before the erasure). */
export async function ownedSiteIds(em: EntityManager, customerId: string): Promise<string[]> {
  return (await em.find(CustomerSiteOwnership, { customer: customerId, role: 'owner' })).map((o) => o.site.id);
}

/** Ends every session and voids every emailed link of the customer, and cancels the invitations they sent. */
export async function revokeCustomerAccess(em: EntityManager, customerId: string, now = new Date()): Promise<void> {
  await em.nativeUpdate(RefreshToken, { customer: customerId, revokedAt: null }, { revokedAt: now });
  await voidOneTimeTokens(em, customerId, [...ONE_TIME_TOKEN_PURPOSES], now);
  await em.nativeUpdate(CollaboratorInvitation, { invitedBy: customerId, status: 'pending' }, { status: 'cancelled', answeredAt: now });
}

/** Counts of what an erasure changed, per table. */
export type ErasureSummary = Record<string, number>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites every remaining occurrence of the person's strings (case-insensitive) in the text and JSON columns of every
 * table outside SWEEP_SKIPS with the pseudonym: webhook payloads, operator cases and notes, ticket actions, …
 */
async function sweep(em: EntityManager, personal: string[], pseudonym: string): Promise<number> {
  const columns = await em.getConnection().execute<{ table_name: string; column_name: string; data_type: string }[]>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'bytea')`, [], 'all', em.getTransactionContext());
  const pattern = personal.map(escapeRegExp).join('|');
  let changed = 0;
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    if (SWEEP_SKIPS.has(table)) continue;
    // Stored bodies (bytea) are the provider's JSON deliveries, UTF-8 text.
    const value = type === 'jsonb' ? `"${column}"::text` : type === 'bytea' ? `convert_from("${column}", 'UTF8')` : `"${column}"`;
    const replaced = `regexp_replace(${value}, ?, ?, 'gi')`;
    const written = type === 'jsonb' ? `(${replaced})::jsonb` : type === 'bytea' ? `convert_to(${replaced}, 'UTF8')` : replaced;
    const res = await em.getConnection().execute<{ affectedRows: number }>(
      `update "${table}" set "${column}" = ${written} where ${value} ~* ?`,
      [pattern, pseudonym, pattern], 'run', em.getTransactionContext());
    changed += res.affectedRows;
  }
  return changed;
}

/** The strings that identify a person, longest first (so an email goes before a name inside it); very short ones are left out. */
function identifying(...values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 4).map((v) => v.trim()))].sort((a, b) => b.length - a.length);
}

/** Erases what a visitor (known by email) left on sites: bookings anonymised, their analytics sessions deleted, emails to them unaddressed. */
async function eraseVisitorRecords(em: EntityManager, email: string, pseudonym: string, summary: ErasureSummary): Promise<void> {
  const bookings = await em.find(Booking, { email: { $ilike: email } });
  const sessions = bookings.map((b) => b.session?.id).filter((id): id is string => !!id);
  const visitors = sessions.length ? (await em.find(VisitorSession, { id: { $in: sessions } })).map((s) => s.visitorId) : [];
  summary.bookings = await em.nativeUpdate(Booking, { id: { $in: bookings.map((b) => b.id) } }, { name: ERASED, email: null, phone: null, message: null, preferredTime: null });
  summary.visitor_sessions = visitors.length ? await em.nativeDelete(VisitorSession, { visitorId: { $in: visitors } }) : 0;
  summary.email_messages = await em.nativeUpdate(EmailMessage, { toAddress: { $ilike: email } }, { toAddress: erasedAddress(pseudonym), model: {} });
  summary.purchase_holds = await em.nativeUpdate(PurchaseHold, { email: { $ilike: email } }, { email: erasedAddress(pseudonym), clientKey: 'erased' });
  summary.collaborator_invitations = await em.nativeUpdate(CollaboratorInvitation, { email: email.toLowerCase() }, { email: erasedAddress(pseudonym) });
}

/** Erases a customer's personal data in one transaction; the account row stays, pseudonymised and disabled, so payments keep their customer. */
async function eraseCustomerRecords(em: EntityManager, request: IErasureRequest, summary: ErasureSummary): Promise<string[]> {
  const customer = await em.findOneOrFail(CustomerUser, request.customer!.id);
  const personal = identifying(customer.email, customer.fullName, customer.phone);
  const tickets = (await em.find(SupportTicket, { customer: customer.id })).map((t) => t.id);
  summary.support_tickets = await em.nativeUpdate(SupportTicket, { id: { $in: tickets } }, { subject: ERASED, description: ERASED, aiDraft: null });
  summary.ticket_messages = await em.nativeUpdate(TicketMessage, { ticket: { $in: tickets } }, { body: ERASED });
  summary.edit_requests = await em.nativeUpdate(EditRequest, { $or: [{ requestedBy: customer.id }, { ticket: { $in: tickets } }] }, { requestText: ERASED, decision: null });
  summary.collaborator_roles = await em.nativeDelete(CustomerSiteOwnership, { customer: customer.id, role: 'collaborator' });
  await eraseVisitorRecords(em, customer.email, request.pseudonym, summary);
  await em.nativeUpdate(CustomerUser, { id: customer.id }, {
    email: erasedAddress(request.pseudonym), fullName: request.pseudonym, phone: null, passwordHash: null, isActive: false, emailVerifiedAt: null,
  });
  summary.audit_entries = await pseudonymiseAudit(em, customer.id, request.pseudonym, personal);
  return personal;
}

/**
 * Carries out a pending erasure: the person's records erased or anonymised, a final sweep of every other text column,
 * the request completed (a visitor's address cleared from it) and audited under the pseudonym. Payments and
 * subscriptions are kept as they are: they hold amounts, dates and provider ids, no name or email. Safe to run twice.
 */
export async function carryOutErasure(em: EntityManager, requestId: string, now = new Date()): Promise<ErasureSummary> {
  return em.transactional(async (tx) => {
    const request = await tx.findOneOrFail(ErasureRequest, requestId);
    if (request.status === 'completed') return request.summary ?? {};
    if (request.status !== 'pending') throw new NotFoundError('erasure_not_pending', 'This erasure was undone.');
    const summary: ErasureSummary = {};
    let personal: string[];
    if (request.subject === 'customer') personal = await eraseCustomerRecords(tx, request, summary);
    else {
      personal = identifying(request.subjectEmail);
      await eraseVisitorRecords(tx, request.subjectEmail ?? '', request.pseudonym, summary);
    }
    summary.swept = personal.length ? await sweep(tx, personal, request.pseudonym) : 0;
    Object.assign(request, { status: 'completed', completedAt: now, subjectEmail: null, summary });
    recordAudit(tx, {
      actor: { kind: 'system', id: null, name: 'WebMagic' }, action: 'privacy.erasure_completed', customerId: request.customer?.id ?? null,
      details: { erasureRequestId: request.id, pseudonym: request.pseudonym, summary },
    });
    return summary;
  });
}
