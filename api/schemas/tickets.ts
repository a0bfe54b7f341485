import { Type } from 'typebox';
import { FIELD_LIMITS } from '../../lib/field-limits.js';
import { TICKET_STATUSES } from '../../db/entities/support-ticket.entity.js';
import { Ticket } from './answers.js';

/** Non-blank text of at most `maxLength` characters. */
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
/** A ticket status. */
export const TicketStatus = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)));
/** The `:id` of a ticket route. */
export const TicketId = Type.Object({ id: Type.String({ format: 'uuid' }) });
/** One page of tickets. */
export const TicketList = Type.Object({
  tickets: Type.Array(Ticket),
  next_offset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Pass as `offset` for the next page; null on the last page' }),
});
/** The paging part of a ticket list's query string. */
export const TicketPage = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Tickets per page' }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0, description: 'Tickets to skip' }),
};
/** The answer to a queued reply, close or resolve. */
export const Accepted = Type.Object({ accepted: Type.Literal(true) });
/** A reply on a ticket. */
export const ReplyBody = Type.Object({ body: Text(FIELD_LIMITS.ticketText) }, { additionalProperties: false });
