import type { EntityManager } from '@mikro-orm/postgresql';
import { EditRequest, OperatorCase, PreviewListing, SupportTicket, TicketMessage } from '../../db/entities/index.js';
import type { IEditRequest } from '../../db/entities/edit-request.entity.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { AppConfig } from '../../lib/config.js';
import type { WorkItemDto } from '../schemas/answers.js';

/** The kinds of work that wait on a person, in the order the console names them. */
export const WORK_KINDS = ['ticket', 'edit_needs_agent', 'edit_rejected', 'operator_case', 'domain_check', 'preview_held'] as const;
/** One kind of work in the queue. */
export type WorkKind = (typeof WORK_KINDS)[number];

type Sla = Pick<AppConfig, 'tickets' | 'workQueue'>;
type SiteLike = Pick<ISite, 'id' | 'slug'> & { business?: { name?: string } | null };

function siteFields(site: SiteLike | null | undefined) {
  return { site_id: site?.id ?? null, site_slug: site?.slug ?? null, business_name: site?.business?.name ?? null };
}

function item(kind: WorkKind, fields: Omit<WorkItemDto, 'kind' | 'due_at' | 'overdue' | 'waiting_since'>, since: Date, due: Date, now: Date): WorkItemDto {
  return { kind, ...fields, waiting_since: since.toISOString(), due_at: due.toISOString(), overdue: due.getTime() <= now.getTime() };
}

const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

/** Tickets an agent must answer (a domain check is listed as its own kind). */
async function ticketItems(em: EntityManager, sla: Sla, now: Date): Promise<WorkItemDto[]> {
  const rows = await em.find(SupportTicket, { status: 'awaiting_agent', domainCheckRequestedAt: null }, { populate: ['site.business', 'customer'] });
  return rows.map((t) => item('ticket', {
    id: t.id, title: t.subject, detail: t.category ? `Category: ${t.category.replace(/_/g, ' ')}, ${t.priority} priority` : `${t.priority} priority`,
    url: `/console/tickets/${t.id}`, customer_name: t.customer.fullName, ...siteFields(t.site),
  }, t.updatedAt, t.slaDueAt ?? after(t.updatedAt, sla.tickets.slaMs[t.priority as keyof Sla['tickets']['slaMs']]), now));
}

/** Domain checks owners asked for that no agent has answered yet. */
async function domainCheckItems(em: EntityManager, sla: Sla, now: Date): Promise<WorkItemDto[]> {
  const rows = await em.find(SupportTicket, { domainCheckRequestedAt: { $ne: null }, status: { $nin: ['resolved', 'closed'] } }, { populate: ['site.business', 'customer'] });
  const answered = new Set((await em.find(TicketMessage, { ticket: { $in: rows.map((t) => t.id) }, authorType: 'agent' }, { fields: ['ticket'] })).map((m) => m.ticket.id));
  return rows.filter((t) => !answered.has(t.id)).map((t) => {
    const asked = t.domainCheckRequestedAt as Date;
    return item('domain_check', {
      id: t.id, title: t.subject, detail: t.site.customDomain ? `Domain ${t.site.customDomain}` : null,
      url: `/console/tickets/${t.id}`, customer_name: t.customer.fullName, ...siteFields(t.site),
    }, asked, after(asked, sla.workQueue.slaMs.domainCheck), now);
  });
}

/** Edit requests the editor handed to a person, and previews the owner rejected with a reason, that no agent answered. */
async function editItems(em: EntityManager, sla: Sla, now: Date): Promise<WorkItemDto[]> {
  const rows: IEditRequest[] = await em.find(EditRequest, {
    agentAnsweredAt: null, $or: [{ status: 'needs_agent' }, { status: 'rejected', decision: { $ne: null } }],
  }, { populate: ['site.business', 'requestedBy'] });
  return rows.map((r) => {
    const rejected = r.status === 'rejected';
    const since = rejected ? (r.decidedAt ?? r.updatedAt) : r.updatedAt;
    return item(rejected ? 'edit_rejected' : 'edit_needs_agent', {
      id: r.id, title: r.requestText.length > 120 ? `${r.requestText.slice(0, 119)}…` : r.requestText,
      detail: rejected ? `Owner's reason: ${r.decision ?? ''}` : 'The editor could not draft this change',
      url: `/console/edit-requests/${r.id}`, customer_name: r.requestedBy?.fullName ?? null, ...siteFields(r.site),
    }, since, after(since, rejected ? sla.workQueue.slaMs.editRejected : sla.workQueue.slaMs.editNeedsAgent), now);
  });
}

/** Open needs-attention cases. */
async function caseItems(em: EntityManager, sla: Sla, now: Date): Promise<WorkItemDto[]> {
  const rows = await em.find(OperatorCase, { resolvedAt: null }, { populate: ['site.business'] });
  return rows.map((c) => item('operator_case', {
    id: c.id, title: c.kind.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase()), detail: c.reason.length > 200 ? `${c.reason.slice(0, 199)}…` : c.reason,
    url: `/console/needs-attention#case-${c.id}`, customer_name: null, ...siteFields(c.site),
  }, c.createdAt, after(c.createdAt, sla.workQueue.slaMs.operatorCase), now));
}

/** Generated previews the quality gate held: never published until an operator looks at the reasons. */
async function heldPreviewItems(em: EntityManager, sla: Sla, now: Date): Promise<WorkItemDto[]> {
  const rows = await em.find(PreviewListing, { status: 'held' }, { orderBy: { updatedAt: 'asc' }, limit: 500 });
  return rows.map((r) => {
    const reason = (r.reason ?? '').replace(/\n/g, ' ');
    return item('preview_held', {
      id: r.id, title: `${r.listing.name}, ${r.listing.city}`, detail: reason.length > 200 ? `${reason.slice(0, 199)}…` : reason,
      url: `/console/batches/${r.batch.id}#listing-${r.position}`, customer_name: null, site_id: null, site_slug: null, business_name: r.listing.name,
    }, r.updatedAt, after(r.updatedAt, sla.workQueue.slaMs.operatorCase), now);
  });
}

/** Everything waiting on a person, soonest due first (overdue work at the top). */
export async function workQueue(em: EntityManager, sla: Sla, now = new Date()): Promise<WorkItemDto[]> {
  const lists = await Promise.all([ticketItems(em.fork(), sla, now), editItems(em.fork(), sla, now), caseItems(em.fork(), sla, now), domainCheckItems(em.fork(), sla, now), heldPreviewItems(em.fork(), sla, now)]);
  return lists.flat().sort((a, b) => a.due_at.localeCompare(b.due_at) || a.waiting_since.localeCompare(b.waiting_since));
}

/** How many items wait, and how many of them are overdue. */
export function workCount(items: WorkItemDto[]): { count: number; overdue: number } {
  return { count: items.length, overdue: items.filter((i) => i.overdue).length };
}

