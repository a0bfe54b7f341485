import { randomUUID } from 'node:crypto';
import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { EditRequest, Photo, SupportTicket, TicketAction, TicketMessage } from '../../db/entities/index.js';
import type { IOperator } from '../../db/entities/operator.entity.js';
import type { ITicketAction } from '../../db/entities/ticket-action.entity.js';
import type { ISupportTicket, TicketStatus } from '../../db/entities/support-ticket.entity.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  agentRepliedSignal,
  closeTicketSignal,
  customerRepliedSignal,
  resolveTicketSignal,
} from '../../workflows/support-ticket/contract.js';
import { supportTicketWorkflow } from '../../workflows/support-ticket/workflow.js';
import { TICKET_CATEGORY } from '../../workflows/search-attributes.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import type { TicketDto, TicketMessageDto } from '../schemas/answers.js';
import { photoDto } from './photos.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

/** Shapes a ticket (loaded with its site) for the API. */
export function ticketDto(ticket: ISupportTicket, messages?: TicketMessageDto[]): TicketDto {
  return {
    id: ticket.id,
    site_id: ticket.site.id,
    site_slug: ticket.site.slug,
    subject: ticket.subject,
    description: ticket.description,
    category: ticket.category ?? null,
    priority: ticket.priority,
    status: ticket.status,
    ai_confidence: ticket.aiConfidence == null ? null : Number(ticket.aiConfidence),
    sla_due_at: iso(ticket.slaDueAt),
    escalated_at: iso(ticket.escalatedAt),
    assigned_to: ticket.assignedTo ?? null,
    csat_requested: ticket.csatRequestedAt != null,
    csat_rating: ticket.csatRating ?? null,
    close_reason: ticket.closeReason ?? null,
    created_at: ticket.createdAt.toISOString(),
    updated_at: ticket.updatedAt.toISOString(),
    closed_at: iso(ticket.closedAt),
    ...(messages ? { messages } : {}),
  };
}

/** The ticket with its messages and attached photos, oldest first. */
export async function ticketWithMessages(em: EntityManager, ticket: ISupportTicket): Promise<TicketDto> {
  const messages = await em.find(TicketMessage, { ticket: ticket.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const photos = await em.find(Photo, { ticket: ticket.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return {
    ...ticketDto(ticket, messages.map((m) => ({ id: m.id, author_type: m.authorType, author_name: m.authorName ?? null, body: m.body, created_at: m.createdAt.toISOString() }))),
    photos: photos.map(photoDto),
  };
}

/** Stores a new ticket with the customer's first message and starts its workflow; if the workflow cannot start, nothing is kept. */
export async function openTicket(deps: Deps, em: EntityManager, input: { customerId: string; siteId: string; siteSlug: string; subject: string; description: string }): Promise<ISupportTicket> {
  const ticket = await em.transactional(async (tx) => {
    const created = tx.create(SupportTicket, { site: input.siteId, customer: input.customerId, subject: input.subject, description: input.description });
    tx.create(TicketMessage, { ticket: created, authorType: 'customer', body: input.description, idempotencyKey: `ticket:${created.id}:opening` });
    return created;
  });
  const { tickets: support, publicBaseUrl, temporal } = deps.config;
  try {
    await callTemporal(deps, (client) => client.workflow.start(supportTicketWorkflow, {
      workflowId: workflowIds.ticket(ticket.id),
      taskQueue: temporal.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: TICKET_CATEGORY, value: 'untriaged' }],
      args: [{
        ticketId: ticket.id,
        siteSlug: input.siteSlug,
        slaMs: support.slaMs,
        autoCloseMs: support.autoCloseMs,
        confidenceThreshold: support.confidenceThreshold,
        agentEmail: support.agentEmail,
        publicBaseUrl,
        edit: { reminderMs: deps.config.edits.reminderMs, expiryMs: deps.config.edits.expiryMs },
      }],
    }), { service: 'support' });
  } catch (error) {
    await em.fork().nativeDelete(SupportTicket, { id: ticket.id });
    throw error;
  }
  return em.findOneOrFail(SupportTicket, ticket.id, { populate: ['site'], refresh: true });
}

/** Loads a ticket the customer may see; someone else's ticket is "not found". */
export async function customerTicket(em: EntityManager, customerId: string, ticketId: string): Promise<ISupportTicket> {
  const ticket = await em.findOne(SupportTicket, { id: ticketId, customer: customerId }, { populate: ['site'] });
  if (!ticket) throw new NotFoundError('ticket_not_found', 'No such ticket');
  return ticket;
}

/** Loads any ticket, for agents. */
export async function agentTicket(em: EntityManager, ticketId: string): Promise<ISupportTicket> {
  const ticket = await em.findOne(SupportTicket, { id: ticketId }, { populate: ['site'] });
  if (!ticket) throw new NotFoundError('ticket_not_found', 'No such ticket');
  return ticket;
}

function assertOpen(ticket: ISupportTicket): void {
  const ended: TicketStatus[] = ['resolved', 'closed'];
  if (ended.includes(ticket.status)) throw new ConflictError('ticket_closed', 'This ticket is closed; open a new one');
}

/** Stores a reply (an agent's with their name) and tells the ticket's workflow who wrote it. */
export async function addReply(deps: Deps, em: EntityManager, ticket: ISupportTicket, author: 'customer' | 'agent', body: string, authorName: string | null = null): Promise<void> {
  assertOpen(ticket);
  const messageId = randomUUID();
  await em.fork().insert(TicketMessage, { id: messageId, ticket: ticket.id, authorType: author, authorName, body, idempotencyKey: `reply:${messageId}`, createdAt: new Date() });
  await callTemporal(deps, (client) =>
    client.workflow.getHandle(workflowIds.ticket(ticket.id)).signal(author === 'customer' ? customerRepliedSignal : agentRepliedSignal, { messageId }), { service: 'support' });
}

/** Ends the ticket: closed by its customer or resolved by an agent. */
export async function endTicket(deps: Deps, ticket: ISupportTicket, by: 'customer' | 'agent'): Promise<void> {
  assertOpen(ticket);
  await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.ticket(ticket.id)).signal(by === 'customer' ? closeTicketSignal : resolveTicketSignal), { service: 'support' });
}

/** Records the customer's 1–5 rating, once, where one was asked for. */
export async function rateTicket(em: EntityManager, ticket: ISupportTicket, rating: number): Promise<void> {
  if (!ticket.csatRequestedAt) throw new ConflictError('rating_not_requested', 'This ticket has not been answered and closed yet');
  const updated = await em.nativeUpdate(SupportTicket, { id: ticket.id, csatRating: null }, { csatRating: rating });
  if (updated === 0) throw new ConflictError('already_rated', 'This ticket has already been rated');
}

/** Which tickets a list shows (a customer's, or the agents' queue): `open` is every ticket not yet resolved or closed. */
export type TicketFilter = { customerId?: string; siteId?: string; status?: TicketStatus | 'open_any' };

function statusWhere(status: TicketFilter['status']): { status?: TicketStatus | { $nin: TicketStatus[] } } {
  if (!status) return {};
  return status === 'open_any' ? { status: { $nin: ['resolved', 'closed'] } } : { status };
}

/** One page of tickets: asks for one more than the page to know whether another page follows. */
export async function ticketPage(em: EntityManager, filter: TicketFilter, order: 'newest' | 'most_urgent', page: { limit: number; offset: number }) {
  const where: FilterQuery<ISupportTicket> = {
    ...(filter.customerId ? { customer: filter.customerId } : {}), ...(filter.siteId ? { site: filter.siteId } : {}), ...statusWhere(filter.status),
  };
  const orderBy: QueryOrderMap<ISupportTicket> = order === 'newest' ? { createdAt: 'desc', id: 'desc' } : { slaDueAt: 'asc', createdAt: 'asc', id: 'asc' };
  const rows = await em.find(SupportTicket, where, { populate: ['site'], orderBy, limit: page.limit + 1, offset: page.offset });
  const more = rows.length > page.limit;
  return { tickets: rows.slice(0, page.limit).map((t) => ticketDto(t)), next_offset: more ? page.offset + page.limit : null };
}

/** Records who did what on the ticket: the signed-in operator, or the admin API token (null) for machine clients. */
export async function recordTicketAction(em: EntityManager, operator: IOperator | null, ticketId: string, action: ITicketAction['action'], detail: string | null): Promise<void> {
  await em.fork().insert(TicketAction, {
    id: randomUUID(), ticket: ticketId, operator: operator?.id ?? null, actorName: operator?.name ?? 'admin API token', action, detail, createdAt: new Date(),
  });
}

/**
 * A ticket as agents see it: who opened it and for which business, its messages, the AI draft (new while neither the
 * AI nor an agent has answered) and the agents' actions, oldest first.
 */
export async function agentTicketView(em: EntityManager, ticketId: string): Promise<TicketDto> {
  const ticket = await agentTicket(em, ticketId);
  await em.populate(ticket, ['customer', 'site.business']);
  const dto = await ticketWithMessages(em, ticket);
  const actions = await em.find(TicketAction, { ticket: ticketId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const edits = await em.find(EditRequest, { ticket: ticketId }, { orderBy: { createdAt: 'asc' } });
  const answered = (dto.messages ?? []).some((m) => m.author_type === 'ai' || m.author_type === 'agent');
  return {
    ...dto,
    customer: { id: ticket.customer.id, name: ticket.customer.fullName, email: ticket.customer.email },
    business_name: ticket.site.business.name,
    domain_check_requested_at: iso(ticket.domainCheckRequestedAt),
    edit_requests: edits.map((e) => ({ id: e.id, status: e.status })),
    ai_draft: ticket.aiDraft ?? null,
    ai_draft_new: ticket.aiDraft != null && !answered && ticket.status !== 'resolved' && ticket.status !== 'closed',
    actions: actions.map((a) => ({ action: a.action, actor: a.actorName, detail: a.detail ?? null, created_at: a.createdAt.toISOString() })),
  };
}

/** Assigns the ticket to an agent. */
export async function assignTicket(em: EntityManager, ticketId: string, agent: string): Promise<ISupportTicket> {
  const ticket = await agentTicket(em, ticketId);
  ticket.assignedTo = agent;
  await em.flush();
  return ticket;
}
