import type { EntityManager } from '@mikro-orm/postgresql';
import { auditTrail } from '../../db/audit-log.js';
import type { IAuditEntry } from '../../db/entities/audit-entry.entity.js';
import type { AuditRowDto } from '../schemas/back-office.js';

const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.length > 0 ? value : fallback);

/** Each audit action as a sentence an operator reads; an action without one is shown by its name. */
const SENTENCES: Record<string, (details: Record<string, unknown>) => string> = {
  'site.linked': (d) => `Linked site ${text(d.siteSlug, '')} to ${text(d.customerEmail, 'the customer')}${d.isPrimary ? ' (their primary site)' : ''}`,
  'site.removed': (d) => `Removed site ${text(d.siteSlug, '')} from ${text(d.customerEmail, 'the customer')}’s account; subscription cancelled`
    + (typeof d.collaboratorsRemoved === 'number' && d.collaboratorsRemoved > 0 ? `, ${d.collaboratorsRemoved} collaborator(s) removed` : ''),
  'site.transfer_requested': (d) => `Asked to transfer the site to ${text(d.recipientEmail, 'someone')} (accept by ${text(d.expiresAt, '?').slice(0, 10)})`,
  'site.transfer_accepted': (d) => `Accepted the transfer of the site from ${text(d.fromEmail, 'its owner')} to ${text(d.toEmail, 'the recipient')}`,
  'site.transfer_cancelled': () => 'Cancelled the pending transfer of the site',
  'site.transfer_expired': () => 'The transfer of the site expired: the recipient did not accept in time',
  'photo.placed': (d) => `Placed a photo from ticket ${text(d.ticketId, '?').slice(0, 8)} as the ${d.slot === 'gallery' ? 'gallery photo' : `${text(d.slot, 'site')} photo`}, for the owner's approval (edit request ${text(d.editRequestId, '?').slice(0, 8)})`,
};

/** Describes an audit entry in words. */
export function describeAudit(entry: Pick<IAuditEntry, 'action' | 'details'>): string {
  const sentence = SENTENCES[entry.action];
  return sentence ? sentence(entry.details).replace(/\s+/g, ' ').trim() : entry.action;
}

/** The audit trail about a customer or a site, newest first, as the record pages show it. */
export async function auditRows(em: EntityManager, about: { customerId: string } | { siteId: string }): Promise<AuditRowDto[]> {
  const entries = await auditTrail(em, about);
  return entries.map((e) => ({
    id: e.id, at: e.createdAt.toISOString(), actor_kind: e.actorKind, actor_name: e.actorName, action: e.action, what: describeAudit(e),
    reason: e.reason ?? null, site_id: e.siteId ?? null, customer_id: e.customerId ?? null,
  }));
}
