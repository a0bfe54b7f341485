/** Triage categories of a ticket. */
export const TICKET_CATEGORIES = ['content_edit', 'billing', 'domain', 'technical', 'cancellation', 'general'] as const;
/** Ticket priorities; each has its own SLA. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
