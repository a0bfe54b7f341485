import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Operator } from './operator.entity.js';
import { SupportTicket } from './support-ticket.entity.js';

/** What an agent did on a ticket. */
export const TICKET_ACTIONS = ['reply', 'assign', 'resolve', 'place_photo'] as const;

/** The ticket's audit trail: who replied, assigned, resolved it or placed one of its photos on the site, and when; no operator means a machine client with the admin token. */
export const TicketAction = defineEntity({
  name: 'TicketAction',
  tableName: 'ticket_actions',
  properties: {
    ...appendOnlyProperties,
    ticket: () => p.manyToOne(SupportTicket).deleteRule('cascade').index(),
    operator: () => p.manyToOne(Operator).nullable().deleteRule('set null'),
    actorName: p.string(),
    action: p.enum(TICKET_ACTIONS),
    detail: p.text().nullable(),
  },
});
export type ITicketAction = InferEntity<typeof TicketAction>;
