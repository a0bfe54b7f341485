import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { SupportTicket } from './support-ticket.entity.js';

/** Who wrote a ticket message. */
export const MESSAGE_AUTHORS = ['customer', 'ai', 'agent', 'system'] as const;

/** One message on a ticket; the idempotency key keeps retried activities from posting twice. */
export const TicketMessage = defineEntity({
  name: 'TicketMessage',
  tableName: 'ticket_messages',
  properties: {
    ...appendOnlyProperties,
    ticket: () => p.manyToOne(SupportTicket).deleteRule('cascade'),
    authorType: p.enum(MESSAGE_AUTHORS),
    body: p.text(),
    /** The agent who wrote it (agent messages only; older messages have none). */
    authorName: p.string().nullable(),
    idempotencyKey: p.string().nullable().unique(),
  },
});
export type ITicketMessage = InferEntity<typeof TicketMessage>;
