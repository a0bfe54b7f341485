import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Site } from './site.entity.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from '../../lib/tickets.js';

/** The ticket categories and priorities, defined in lib so the assistant shares them. */
export { TICKET_CATEGORIES, TICKET_PRIORITIES };

/** Where a ticket stands. */
export const TICKET_STATUSES = ['open', 'awaiting_agent', 'awaiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Why a ticket ended: the customer closed it, an agent resolved it, or nobody replied for too long. */
export const TICKET_CLOSE_REASONS = ['customer', 'agent', 'inactivity'] as const;

/** A support request raised by an owner about one of their sites. */
export const SupportTicket = defineEntity({
  name: 'SupportTicket',
  tableName: 'support_tickets',
  properties: {
    ...baseProperties,
    site: () => p.manyToOne(Site),
    customer: () => p.manyToOne(CustomerUser),
    subject: p.string(),
    description: p.text(),
    category: p.enum(TICKET_CATEGORIES).nullable(),
    priority: p.enum(TICKET_PRIORITIES).default('normal'),
    status: p.enum(TICKET_STATUSES).default('open'),
    aiConfidence: p.double().nullable(),
    aiDraft: p.text().nullable(),
    slaDueAt: p.datetime().nullable(),
    escalatedAt: p.datetime().nullable(),
    assignedTo: p.string().nullable(),
    csatRequestedAt: p.datetime().nullable(),
    csatRating: p.smallint().nullable(),
    closedAt: p.datetime().nullable(),
    closeReason: p.enum(TICKET_CLOSE_REASONS).nullable(),
    /** When the owner asked a person to check the site's custom domain ("Ask us to check" on the domain page). */
    domainCheckRequestedAt: p.datetime().nullable(),
  },
});
export type ISupportTicket = InferEntity<typeof SupportTicket>;
