import { needsPerson } from '../../lib/assistant/handoff.js';
import type { TicketTriage } from '../../lib/assistant/ticket-assistant.js';
import type { TicketInput, TicketReply, TicketState } from './contract.js';

const MAX_REMEMBERED_MESSAGES = 200;

/** How a ticket ends once the agent resolved it or the customer closed it. */
export interface TicketEnding {
  status: 'resolved' | 'closed';
  reason: 'agent' | 'customer';
}

/**
 * Who gives a triaged ticket its first answer: the AI alone (the ticket then waits on the customer), the AI and then a
 * person (its answer goes out, and the ticket waits on an agent under its SLA), or a person only.
 */
export type FirstAnswer = 'ai' | 'ai-then-agent' | 'agent';

/**
 * The decisions of one support ticket, without I/O: which replies are new, whose turn it is, whether the AI's
 * answer goes out, the SLA of the ticket's priority, and how it ends. The workflow shell applies them.
 */
export class TicketProgress {
  private readonly view: TicketState = {
    status: 'open', category: null, priority: null, confidence: null, answeredBy: null, slaDueAt: null, escalated: false, csatRequested: false,
  };
  private readonly seen: string[] = [];
  private customerWrote = false;
  private agentWrote = false;
  private lastAgentReply: string | null = null;
  private resolvedByAgent = false;
  private closedByCustomer = false;

  /** What the state query answers. */
  state(): TicketState {
    return this.view;
  }

  /** True once the ticket is resolved or closed. */
  get done(): boolean {
    return this.view.status === 'resolved' || this.view.status === 'closed';
  }

  /** Moves the ticket to `status`. */
  setStatus(status: TicketState['status']): void {
    this.view.status = status;
  }

  /** The customer wrote (a redelivered message counts once). */
  customerReplied(reply: TicketReply): void {
    if (this.firstTime(reply.messageId)) this.customerWrote = true;
  }

  /** An agent answered (a redelivered message counts once). */
  agentReplied(reply: TicketReply): void {
    if (!this.firstTime(reply.messageId)) return;
    this.agentWrote = true;
    this.lastAgentReply = reply.messageId;
  }

  /** An agent marked the ticket resolved. */
  resolve(): void {
    this.resolvedByAgent = true;
  }

  /** The customer closed the ticket. */
  close(): void {
    this.closedByCustomer = true;
  }

  /**
   * Takes in the triage and answers who answers first: the AI's reply goes out only at or above the confidence
   * threshold, and a ticket that needs a person (high or urgent, or a reply promising one) also waits for an agent.
   */
  triaged(triage: TicketTriage, confidenceThreshold: number): FirstAnswer {
    this.view.category = triage.category;
    this.view.priority = triage.priority;
    this.view.confidence = triage.confidence;
    if (triage.confidence < confidenceThreshold) return 'agent';
    return needsPerson(triage) ? 'ai-then-agent' : 'ai';
  }

  /** The AI answered: the ticket waits on the customer. */
  answeredByAi(): void {
    this.view.answeredBy = 'ai';
  }

  /** The first-answer time of the ticket's priority (normal until triaged). */
  slaMs(slaTable: TicketInput['slaMs']): number {
    return slaTable[this.view.priority ?? 'normal'];
  }

  /** The ticket waits for an agent until `dueAt`. */
  awaitAgent(dueAt: string): void {
    this.view.slaDueAt = dueAt;
  }

  /** The SLA passed without an answer: the ticket is escalated (once per ticket). */
  escalate(): void {
    this.view.escalated = true;
  }

  /** True when the ticket was escalated already (it is not escalated twice). */
  get escalated(): boolean {
    return this.view.escalated;
  }

  /** True when an agent has something for the ticket: an answer, a resolution, or the customer closed it. */
  agentTurnOver(): boolean {
    return this.agentWrote || this.resolvedByAgent || this.closedByCustomer;
  }

  /** True when the customer's turn is over: they wrote, or the ticket was resolved or closed. */
  customerTurnOver(): boolean {
    return this.customerWrote || this.resolvedByAgent || this.closedByCustomer;
  }

  /** Takes an agent's new answer, if any: the ticket goes back to the customer. Answers the reply's id to email about. */
  takeAgentAnswer(): { replyId: string | null } | null {
    if (!this.agentWrote) return null;
    this.agentWrote = false;
    this.customerWrote = false;
    this.view.answeredBy = 'agent';
    return { replyId: this.lastAgentReply };
  }

  /** Takes the customer's new message, unless the ticket is ending anyway: it goes back to an agent. */
  takeCustomerReply(): boolean {
    if (!this.customerWrote || this.resolvedByAgent || this.closedByCustomer) return false;
    this.customerWrote = false;
    return true;
  }

  /** How the ticket ends now, if it was resolved or closed; the agent's resolution wins. */
  ending(): TicketEnding | null {
    if (this.resolvedByAgent) return { status: 'resolved', reason: 'agent' };
    if (this.closedByCustomer) return { status: 'closed', reason: 'customer' };
    return null;
  }

  /** A ticket someone answered asks for a rating when it ends; answers whether to ask. */
  asksForRating(): boolean {
    return this.view.answeredBy !== null;
  }

  /** The rating question was posted. */
  ratingRequested(): void {
    this.view.csatRequested = true;
  }

  private firstTime(messageId: string): boolean {
    if (this.seen.includes(messageId)) return false;
    this.seen.push(messageId);
    if (this.seen.length > MAX_REMEMBERED_MESSAGES) this.seen.shift();
    return true;
  }
}
