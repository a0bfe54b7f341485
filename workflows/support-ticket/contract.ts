import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TicketStatus } from '../../db/entities/support-ticket.entity.js';
import type { TicketTriage } from '../../lib/assistant/ticket-assistant.js';

/** Start arguments: the ticket and the configured service levels. */
export interface TicketInput {
  ticketId: string;
  siteSlug: string;
  /** First-answer deadline for a ticket waiting on an agent, per priority. */
  slaMs: Record<'low' | 'normal' | 'high' | 'urgent', number>;
  /** A ticket waiting on the customer this long is closed. */
  autoCloseMs: number;
  /** Minimum triage confidence for the AI's answer to go to the customer without a person. */
  confidenceThreshold: number;
  /** Where escalations are emailed, and the base of the link in them. */
  agentEmail: string;
  publicBaseUrl: string;
  /** Waiting times of the site edit a content-edit ticket starts; without them no edit is started. */
  edit?: { reminderMs: number; expiryMs: number };
}

/** A reply stored by the API; the id makes redelivery harmless. */
export interface TicketReply {
  messageId: string;
}

/** What the state query answers. */
export interface TicketState {
  status: TicketStatus;
  category: TicketTriage['category'] | null;
  priority: TicketTriage['priority'] | null;
  confidence: number | null;
  answeredBy: 'ai' | 'agent' | null;
  slaDueAt: string | null;
  escalated: boolean;
  csatRequested: boolean;
}

/** The customer wrote on the ticket. */
export const customerRepliedSignal = defineSignal<[TicketReply]>('customerReplied');
/** An agent answered the customer. */
export const agentRepliedSignal = defineSignal<[TicketReply]>('agentReplied');
/** An agent marked the ticket resolved. */
export const resolveTicketSignal = defineSignal('resolveTicket');
/** The customer closed the ticket. */
export const closeTicketSignal = defineSignal('closeTicket');
/** Current state of the ticket. */
export const ticketStateQuery = defineQuery<TicketState>('ticketState');
