import { condition, log, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { createEmailActivities } from '../../activities/email.js';
import type { createSiteEditActivities } from '../../activities/site-edits.js';
import type { createTicketActivities, TicketUpdate } from '../../activities/tickets.js';
import type { TicketStatus } from '../../db/entities/support-ticket.entity.js';
import type { TicketTriage } from '../../lib/assistant/ticket-assistant.js';
import { consoleTicketUrl, portalTicketUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from '../activity-options.js';
import { BUSINESS_STATUS, SITE_SLUG, TICKET_CATEGORY } from '../search-attributes.js';
import { agentRepliedSignal, closeTicketSignal, customerRepliedSignal, resolveTicketSignal, ticketStateQuery, type TicketInput, type TicketState } from './contract.js';
import { TicketProgress, type TicketEnding } from './state.js';

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
/** Patch id: a ticket the AI answered that needs a person waits for an agent under its SLA, not on the customer. */
const PERSON_AFTER_AI_PATCH = 'ticket-person-after-ai-answer';
const AUTO_CLOSE_NOTE = 'We closed this ticket because we did not hear back. Reply any time and a new ticket will pick it up.';

/**
 * A support ticket from triage to close (`ticket:<ticketId>`): the AI answers what it is confident about,
 * everything else waits for an agent under an SLA that escalates, replies move the ticket between the
 * customer and the agent, and a ticket left waiting on the customer closes itself.
 */
export async function supportTicketWorkflow(input: TicketInput): Promise<TicketState> {
  const progress = new TicketProgress();
  const run = new TicketRun(input, progress);
  run.listen();
  await run.answerFirst();
  await run.untilDone();
  return progress.state();
}

/** One ticket run: message handlers, the turns between customer and agent, and their side effects. */
class TicketRun {
  constructor(
    private readonly input: TicketInput,
    private readonly progress: TicketProgress,
  ) {}

  /** Wires the query and the reply, resolve and close signals to the ticket's progress. */
  listen(): void {
    const { progress } = this;
    setHandler(ticketStateQuery, () => progress.state());
    setHandler(customerRepliedSignal, (reply) => progress.customerReplied(reply));
    setHandler(agentRepliedSignal, (reply) => progress.agentReplied(reply));
    setHandler(resolveTicketSignal, () => progress.resolve());
    setHandler(closeTicketSignal, () => progress.close());
  }

  /**
   * Triages the ticket; a confident AI answer goes to the customer, and the ticket waits on the customer unless it
   * needs a person (then, like anything the AI is unsure of, it waits for an agent).
   */
  async answerFirst(): Promise<void> {
    const { input, progress } = this;
    upsertSearchAttributes([{ key: SITE_SLUG, value: input.siteSlug }]);
    const triaged = await this.triageSafely();
    const first = triaged ? progress.triaged(triaged, input.confidenceThreshold) : 'agent';
    if (triaged) {
      upsertSearchAttributes([{ key: TICKET_CATEGORY, value: triaged.category }]);
      await tickets.recordTriage({ ticketId: input.ticketId, triage: triaged });
      if (triaged.category === 'content_edit' && input.edit) await this.startSiteEdit(input.edit);
    }
    if (!triaged || first === 'agent') {
      await this.waitForAgent();
      return;
    }
    await tickets.postTicketMessage({ ticketId: input.ticketId, idempotencyKey: `ticket:${input.ticketId}:ai-answer`, authorType: 'ai', body: triaged.reply });
    progress.answeredByAi();
    // Histories from before the patch left a ticket that needs a person waiting on the customer.
    if (first === 'ai-then-agent' && patched(PERSON_AFTER_AI_PATCH)) {
      await this.tellCustomerOfAnswer(`ticket-answer:${input.ticketId}:ai`);
      await this.waitForAgent();
      return;
    }
    await this.setStatus('awaiting_customer');
    await this.tellCustomerOfAnswer(`ticket-answer:${input.ticketId}:ai`);
  }

  /** Moves the ticket between agent and customer until it is resolved, closed, or closes itself for silence. */
  async untilDone(): Promise<void> {
    const { input, progress } = this;
    while (!progress.done) {
      if (progress.state().status === 'awaiting_agent') {
        await condition(() => progress.agentTurnOver());
        const answer = progress.takeAgentAnswer();
        if (answer) {
          await this.setStatus('awaiting_customer');
          if (answer.replyId) await this.tellCustomerOfAnswer(`ticket-answer:${answer.replyId}`);
        }
      } else {
        const heard = await condition(() => progress.customerTurnOver(), input.autoCloseMs);
        if (!heard) {
          await tickets.postTicketMessage({ ticketId: input.ticketId, idempotencyKey: `ticket:${input.ticketId}:auto-close`, authorType: 'system', body: AUTO_CLOSE_NOTE });
          await this.setStatus('closed', { closedAt: new Date(), closeReason: 'inactivity' });
          break;
        }
        if (progress.takeCustomerReply()) await this.waitForAgent();
      }
      const ending = progress.ending();
      if (ending) await this.finish(ending);
    }
  }

  private async triageSafely(): Promise<TicketTriage | null> {
    try {
      return await triage.triageTicket(this.input.ticketId);
    } catch (error) {
      log.warn('triage failed; the ticket goes to an agent', { ticketId: this.input.ticketId, error: String(error) });
      return null;
    }
  }

  /** Starts the edit workflow for the request the triage opened; it outlives the ticket. */
  private async startSiteEdit(edit: NonNullable<TicketInput['edit']>): Promise<void> {
    const { ticketId } = this.input;
    const found = await siteEdits.editRequestForTicket(ticketId);
    if (!found) return;
    try {
      await startChild('siteEditWorkflow', {
        workflowId: workflowIds.siteEdit(found.editRequestId),
        args: [{ editRequestId: found.editRequestId, ticketId, reminderMs: edit.reminderMs, expiryMs: edit.expiryMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      log.warn('site edit not started', { ticketId, error: String(error) });
    }
  }

  private async setStatus(status: TicketStatus, extra: TicketUpdate = {}): Promise<void> {
    this.progress.setStatus(status);
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: status }]);
    await tickets.updateTicket({ ticketId: this.input.ticketId, update: { status, ...extra } });
  }

  /** Hands the ticket to the agent queue with a first-answer deadline; escalates once if the deadline passes. */
  private async waitForAgent(): Promise<void> {
    const { input, progress } = this;
    const slaMs = progress.slaMs(input.slaMs);
    const dueAt = new Date(Date.now() + slaMs);
    progress.awaitAgent(dueAt.toISOString());
    await this.setStatus('awaiting_agent', { slaDueAt: dueAt });
    if (progress.escalated) return;
    const answered = await condition(() => progress.agentTurnOver(), slaMs);
    if (answered) return;
    progress.escalate();
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
        dueAt: dueAt.toISOString(),
        ticketUrl: consoleTicketUrl(input, input.ticketId),
      },
    });
  }

  /** Emails the owner that their ticket has an answer, with a link to its thread in the portal (once per answer). */
  private async tellCustomerOfAnswer(idempotencyKey: string): Promise<void> {
    const { input } = this;
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
  private async finish({ status, reason }: TicketEnding): Promise<void> {
    const csat = this.progress.asksForRating();
    if (csat) {
      await tickets.postTicketMessage({ ticketId: this.input.ticketId, idempotencyKey: `ticket:${this.input.ticketId}:csat`, authorType: 'system', body: CSAT_QUESTION });
      this.progress.ratingRequested();
    }
    await this.setStatus(status, { closedAt: new Date(), closeReason: reason, ...(csat ? { csatRequestedAt: new Date() } : {}) });
  }
}
