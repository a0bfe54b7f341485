import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { EditRequest, SupportTicket, TicketMessage } from '../db/entities/index.js';
import type { ISupportTicket } from '../db/entities/support-ticket.entity.js';
import type { TicketAssistant, TicketTriage } from '../lib/assistant/ticket-assistant.js';
import { ChatCompletionError } from '../lib/openai/chat-completions.js';

/** Who wrote a ticket message. */
export type MessageAuthor = 'customer' | 'ai' | 'agent' | 'system';

/** The ticket fields a workflow step may change. */
export type TicketUpdate = Partial<Pick<ISupportTicket, 'status' | 'slaDueAt' | 'escalatedAt' | 'closedAt' | 'closeReason' | 'csatRequestedAt' | 'assignedTo'>>;

/** Ticket activities: AI triage and the ticket's rows. Writes are keyed so a retried step changes nothing twice. */
export function createTicketActivities(deps: { orm: MikroORM; assistant: TicketAssistant }) {
  return {
    /** Asks the assistant for category, priority, confidence and a drafted reply. Unusable answers fail for good: the ticket then goes to a person. */
    async triageTicket(ticketId: string): Promise<TicketTriage> {
      const ticket = await deps.orm.em.fork().findOneOrFail(SupportTicket, ticketId, { populate: ['site', 'site.business'] });
      try {
        return await deps.assistant.triage({
          subject: ticket.subject,
          description: ticket.description,
          siteTitle: ticket.site.title,
          businessCategory: ticket.site.business.category,
        });
      } catch (error) {
        if (error instanceof ChatCompletionError && !error.retryable) throw ApplicationFailure.nonRetryable(error.message, 'TriageFailed', { code: error.code });
        throw error;
      }
    },

    /** Stores the triage (with the drafted reply agents start from) on the ticket; a content-edit ticket also opens its edit request (once). */
    async recordTriage(input: { ticketId: string; triage: Pick<TicketTriage, 'category' | 'priority' | 'confidence'> & Partial<Pick<TicketTriage, 'reply'>> }): Promise<void> {
      await deps.orm.em.fork().transactional(async (em) => {
        const ticket = await em.findOneOrFail(SupportTicket, input.ticketId);
        Object.assign(ticket, { category: input.triage.category, priority: input.triage.priority, aiConfidence: input.triage.confidence, aiDraft: input.triage.reply ?? null });
        if (input.triage.category === 'content_edit' && (await em.count(EditRequest, { ticket: ticket.id })) === 0) {
          em.create(EditRequest, { site: ticket.site, ticket, requestText: ticket.description });
        }
      });
    },

    /** Adds a message to the ticket once per idempotency key. */
    async postTicketMessage(input: { ticketId: string; idempotencyKey: string; authorType: MessageAuthor; body: string }): Promise<void> {
      await deps.orm.em.fork().upsert(TicketMessage, {
        ticket: input.ticketId, idempotencyKey: input.idempotencyKey, authorType: input.authorType, body: input.body,
      }, { onConflictFields: ['idempotencyKey'], onConflictAction: 'ignore' });
    },

    /** Sets the ticket's status and the times that go with it; the values are absolute, so repeating it is harmless. */
    async updateTicket(input: { ticketId: string; update: TicketUpdate }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(SupportTicket, { id: input.ticketId }, input.update);
    },

    /** Loads what an escalation or answer email needs. */
    async loadTicketSummary(ticketId: string): Promise<{ subject: string; siteTitle: string; priority: string; customerEmail: string; customerName: string }> {
      const ticket = await deps.orm.em.fork().findOneOrFail(SupportTicket, ticketId, { populate: ['site', 'customer'] });
      return { subject: ticket.subject, siteTitle: ticket.site.title, priority: ticket.priority, customerEmail: ticket.customer.email, customerName: ticket.customer.fullName };
    },
  };
}
