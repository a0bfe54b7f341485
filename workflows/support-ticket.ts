import { condition, defineQuery, defineSignal, log, ParentClosePolicy, proxyActivities, setHandler, startChild, upsertSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { TicketTriage } from '../lib/assistant/ticket-assistant.js';
import type { createEmailActivities } from '../activities/email.js';
import type { createSiteEditActivities } from '../activities/site-edits.js';
import type { createTicketActivities, TicketUpdate } from '../activities/tickets.js';
import type { TicketStatus } from '../db/entities/support-ticket.entity.js';
import { consoleTicketUrl, portalTicketUrl } from '../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from './activity-options.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { BUSINESS_STATUS, SITE_SLUG, TICKET_CATEGORY } from './search-attributes.js';

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

const MAX_REMEMBERED_MESSAGES = 200;

const tickets = proxyActivities<ReturnType<typeof createTicketActivities>>(databaseActivityOptions());
const triage = proxyActivities<ReturnType<typeof createTicketActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['TriageFailed'] },
});
const siteEdits = proxyActivities<ReturnType<typeof createSiteEditActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

const CSAT_QUESTION = 'Was this helpful? Rate our answer from 1 (poor) to 5 (great) — it takes one click and helps us improve.';
const AUTO_CLOSE_NOTE = 'We closed this ticket because we did not hear back. Reply any time and a new ticket will pick it up.';

/**
 * A support ticket from triage to close (`ticket:<ticketId>`): the AI answers what it is confident about,
 * everything else waits for an agent under an SLA that escalates, replies move the ticket between the
 * customer and the agent, and a ticket left waiting on the customer closes itself.
 */
export async function supportTicketWorkflow(input: TicketInput): Promise<TicketState> {
  const state: TicketState = {
    status: 'open', category: null, priority: null, confidence: null, answeredBy: null, slaDueAt: null, escalated: false, csatRequested: false,
  };
  const seen: string[] = [];
  let customerWrote = false;
  let agentWrote = false;
  let resolvedByAgent = false;
  let closedByCustomer = false;

  const firstTime = (messageId: string): boolean => {
    if (seen.includes(messageId)) return false;
    seen.push(messageId);
    if (seen.length > MAX_REMEMBERED_MESSAGES) seen.shift();
    return true;
  };
  setHandler(ticketStateQuery, () => state);
  setHandler(customerRepliedSignal, (reply) => {
    if (firstTime(reply.messageId)) customerWrote = true;
  });
  // An object, not a `let`: the signal handler writes it, and narrowing would not see that.
  const lastAgentReply: { messageId: string | null } = { messageId: null };
  setHandler(agentRepliedSignal, (reply) => {
    if (firstTime(reply.messageId)) {
      agentWrote = true;
      lastAgentReply.messageId = reply.messageId;
    }
  });
  setHandler(resolveTicketSignal, () => {
    resolvedByAgent = true;
  });
  setHandler(closeTicketSignal, () => {
    closedByCustomer = true;
  });

  upsertSearchAttributes([{ key: SITE_SLUG, value: input.siteSlug }]);
  const triaged = await triageSafely();
  if (triaged) {
    state.category = triaged.category;
    state.priority = triaged.priority;
    state.confidence = triaged.confidence;
    upsertSearchAttributes([{ key: TICKET_CATEGORY, value: triaged.category }]);
    await tickets.recordTriage({ ticketId: input.ticketId, triage: triaged });
    if (triaged.category === 'content_edit' && input.edit) await startSiteEdit(input.edit);
  }
  if (triaged && triaged.confidence >= input.confidenceThreshold) {
    await tickets.postTicketMessage({ ticketId: input.ticketId, idempotencyKey: `ticket:${input.ticketId}:ai-answer`, authorType: 'ai', body: triaged.reply });
    state.answeredBy = 'ai';
    await setStatus('awaiting_customer');
    await tellCustomerOfAnswer(`ticket-answer:${input.ticketId}:ai`);
  } else {
    await waitForAgent();
  }

  while (state.status !== 'resolved' && state.status !== 'closed') {
    if (state.status === 'awaiting_agent') {
      await condition(() => agentWrote || resolvedByAgent || closedByCustomer);
      if (agentWrote) {
        agentWrote = false;
        customerWrote = false;
        state.answeredBy = 'agent';
        await setStatus('awaiting_customer');
        if (lastAgentReply.messageId) await tellCustomerOfAnswer(`ticket-answer:${lastAgentReply.messageId}`);
      }
    } else {
      const heard = await condition(() => customerWrote || resolvedByAgent || closedByCustomer, input.autoCloseMs);
      if (!heard) {
        await tickets.postTicketMessage({ ticketId: input.ticketId, idempotencyKey: `ticket:${input.ticketId}:auto-close`, authorType: 'system', body: AUTO_CLOSE_NOTE });
        await setStatus('closed', { closedAt: new Date(), closeReason: 'inactivity' });
        break;
      }
      if (customerWrote && !resolvedByAgent && !closedByCustomer) {
        customerWrote = false;
        await waitForAgent();
      }
    }
    if (resolvedByAgent || closedByCustomer) {
      await finish(resolvedByAgent ? 'resolved' : 'closed', resolvedByAgent ? 'agent' : 'customer');
    }
  }
  return state;

  async function triageSafely(): Promise<TicketTriage | null> {
    try {
      return await triage.triageTicket(input.ticketId);
    } catch (error) {
      log.warn('triage failed; the ticket goes to an agent', { ticketId: input.ticketId, error: String(error) });
      return null;
    }
  }

  /** Starts the edit workflow for the request the triage opened; it outlives the ticket. */
  async function startSiteEdit(edit: NonNullable<TicketInput['edit']>): Promise<void> {
    const found = await siteEdits.editRequestForTicket(input.ticketId);
    if (!found) return;
    try {
      await startChild('siteEditWorkflow', {
        workflowId: workflowIds.siteEdit(found.editRequestId),
        args: [{ editRequestId: found.editRequestId, ticketId: input.ticketId, reminderMs: edit.reminderMs, expiryMs: edit.expiryMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      log.warn('site edit not started', { ticketId: input.ticketId, error: String(error) });
    }
  }

  async function setStatus(status: TicketStatus, extra: TicketUpdate = {}): Promise<void> {
    state.status = status;
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: status }]);
    await tickets.updateTicket({ ticketId: input.ticketId, update: { status, ...extra } });
  }

  /** Hands the ticket to the agent queue with a first-answer deadline; escalates once if the deadline passes. */
  async function waitForAgent(): Promise<void> {
    const slaMs = input.slaMs[state.priority ?? 'normal'];
    const dueAt = new Date(Date.now() + slaMs);
    state.slaDueAt = dueAt.toISOString();
    await setStatus('awaiting_agent', { slaDueAt: dueAt });
    if (state.escalated) return;
    const answered = await condition(() => agentWrote || resolvedByAgent || closedByCustomer, slaMs);
    if (answered) return;
    state.escalated = true;
    await tickets.updateTicket({ ticketId: input.ticketId, update: { escalatedAt: new Date() } });
    const summary = await tickets.loadTicketSummary(input.ticketId);
    await email.sendEmail({
      idempotencyKey: `ticket:${input.ticketId}:escalated`,
      to: input.agentEmail,
      template: 'ticket_escalated',
      model: {
        ticketSubject: summary.subject,
        siteTitle: summary.siteTitle,
        priority: summary.priority,
        dueAt: state.slaDueAt,
        ticketUrl: consoleTicketUrl(input, input.ticketId),
      },
    });
  }

  /** Emails the owner that their ticket has an answer, with a link to its thread in the portal (once per answer). */
  async function tellCustomerOfAnswer(idempotencyKey: string): Promise<void> {
    const summary = await tickets.loadTicketSummary(input.ticketId);
    await email.sendEmail({
      idempotencyKey,
      to: summary.customerEmail,
      template: 'ticket_answered',
      model: {
        name: summary.customerName,
        ticketSubject: summary.subject,
        siteTitle: summary.siteTitle,
        ticketUrl: portalTicketUrl(input, input.ticketId),
      },
    });
  }

  /** Resolved by an agent or closed by the customer after an answer: both ask for a rating. */
  async function finish(status: 'resolved' | 'closed', reason: 'agent' | 'customer'): Promise<void> {
    const csat = state.answeredBy !== null;
    if (csat) {
      await tickets.postTicketMessage({ ticketId: input.ticketId, idempotencyKey: `ticket:${input.ticketId}:csat`, authorType: 'system', body: CSAT_QUESTION });
      state.csatRequested = true;
    }
    await setStatus(status, { closedAt: new Date(), closeReason: reason, ...(csat ? { csatRequestedAt: new Date() } : {}) });
  }
}
