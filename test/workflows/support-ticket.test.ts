import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerUser, EditRequest, EmailMessage, Site, SupportTicket, TicketMessage } from '../../db/entities/index.js';
import type { FakePostmark } from '../../lib/postmark/fake.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  agentRepliedSignal,
  closeTicketSignal,
  customerRepliedSignal,
  resolveTicketSignal,
  ticketStateQuery,
  type TicketInput,
  type TicketState,
} from '../../workflows/support-ticket/contract.js';
import { supportTicketWorkflow } from '../../workflows/support-ticket/workflow.js';
import { startTimeSkippingWorker, type Activities, type TimeSkippingWorker } from '../helpers/worker.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let postmark: FakePostmark;
let harness: TimeSkippingWorker;
let crashNextMessage = false;
let failTriage = false;
const taskQueue = `tickets-${randomUUID()}`;

/** Real activities (database, local model, fake Postmark), with two faults the tests can switch on. */
function withFaults(activities: Activities): Activities {
  return {
    ...activities,
    async triageTicket(ticketId) {
      if (failTriage) throw ApplicationFailure.nonRetryable('the model answered nonsense', 'TriageFailed');
      return activities.triageTicket(ticketId);
    },
    async postTicketMessage(input) {
      await activities.postTicketMessage(input);
      if (crashNextMessage) {
        crashNextMessage = false;
        throw new Error('worker crashed after storing the message');
      }
    },
  };
}

beforeAll(async () => {
  harness = await startTimeSkippingWorker(taskQueue, withFaults);
  ({ env, orm, postmark } = harness);
});
afterAll(() => harness?.stop());
beforeEach(async () => {
  await harness.reset();
  crashNextMessage = false;
  failTriage = false;
});

const SLA = { urgent: 1 * HOUR, high: 4 * HOUR, normal: 24 * HOUR, low: 72 * HOUR };

/** Stores a ticket as the API does and starts its workflow. */
async function startTicket(subject: string, description: string, confidenceThreshold = 0.5) {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const customer = em.create(CustomerUser, { email: `owner-${randomUUID().slice(0, 8)}@example.com`, fullName: 'Owner' });
  const ticket = em.create(SupportTicket, { site, customer, subject, description });
  em.create(TicketMessage, { ticket, authorType: 'customer', body: description, idempotencyKey: `ticket:${ticket.id}:opening` });
  await em.flush();
  const input: TicketInput = {
    ticketId: ticket.id, siteSlug: 'plumber-joe', slaMs: SLA, autoCloseMs: 7 * DAY, confidenceThreshold, agentEmail: 'agents@webmagic.test', publicBaseUrl: 'http://webmagic.test',
  };
  const handle = await env.client.workflow.start(supportTicketWorkflow, { workflowId: workflowIds.ticket(ticket.id), taskQueue, args: [input] });
  return { id: ticket.id, handle };
}

/** Waits (in real time: activities run between skips) until the ticket's state satisfies the check. */
function until(handle: { query: (q: typeof ticketStateQuery) => Promise<TicketState> }, check: (s: TicketState) => boolean): Promise<TicketState> {
  return eventually(() => handle.query(ticketStateQuery), check);
}

const row = (id: string) => orm.em.fork().findOneOrFail(SupportTicket, id);
const authors = async (id: string) => (await orm.em.fork().find(TicketMessage, { ticket: id }, { orderBy: { createdAt: 'asc', id: 'asc' } })).map((m) => m.authorType);

const DOMAIN_QUESTION = ['Connect my own domain', 'I bought joesplumbing.com at GoDaddy. How do I point my domain to the website? Which DNS records do I add?'] as const;

describe('support ticket workflow', () => {
  it('posts a confident AI answer, then closes the ticket after a week of silence without asking for a rating', async () => {
    const { id, handle } = await startTicket(...DOMAIN_QUESTION);
    const answered = await until(handle, (s) => s.status === 'awaiting_customer');
    expect(answered).toMatchObject({ category: 'domain', answeredBy: 'ai' });
    expect(answered.confidence).toBeGreaterThanOrEqual(0.5);

    const final = await handle.result();
    expect(final.status).toBe('closed');
    const ticket = await row(id);
    expect(ticket).toMatchObject({ status: 'closed', closeReason: 'inactivity', category: 'domain', csatRequestedAt: null });
    expect(ticket.closedAt!.getTime() - ticket.createdAt.getTime()).toBeGreaterThanOrEqual(7 * DAY - HOUR);
    expect(await authors(id)).toEqual(['customer', 'ai', 'system']);
    await recordHistory(handle, 'ticket-ai-answered-auto-closed');
  });

  it('hands an unsure ticket to an agent, escalates once past the SLA, and moves between agent and customer until resolved', async () => {
    const { id, handle } = await startTicket(...DOMAIN_QUESTION, 1);
    const waiting = await until(handle, (s) => s.status === 'awaiting_agent');
    expect(waiting.answeredBy).toBeNull();
    const sla = SLA[waiting.priority ?? 'normal'];
    await expect.poll(async () => (await row(id)).slaDueAt).toBeInstanceOf(Date);

    await env.sleep(sla + HOUR);
    await until(handle, (s) => s.escalated);
    await expect.poll(async () => (await row(id)).escalatedAt).toBeInstanceOf(Date);
    await expect.poll(() => postmark.sent().filter((m) => m.To === 'agents@webmagic.test').length).toBe(1);
    expect(postmark.sent()[0]?.Subject).toContain('Ticket past its SLA');

    await handle.signal(agentRepliedSignal, { messageId: 'agent-1' });
    await until(handle, (s) => s.status === 'awaiting_customer' && s.answeredBy === 'agent');
    await handle.signal(customerRepliedSignal, { messageId: 'customer-1' });
    await handle.signal(customerRepliedSignal, { messageId: 'customer-1' });
    await until(handle, (s) => s.status === 'awaiting_agent');

    await env.sleep(sla + HOUR);
    await handle.signal(resolveTicketSignal);
    expect(await handle.result()).toMatchObject({ status: 'resolved', csatRequested: true });
    expect(postmark.sent().filter((m) => m.To === 'agents@webmagic.test')).toHaveLength(1);
    expect(await orm.em.fork().count(EmailMessage, { template: 'ticket_escalated' })).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'resolved', closeReason: 'agent' });
    expect((await row(id)).csatRequestedAt).toBeInstanceOf(Date);
    await recordHistory(handle, 'ticket-escalated-then-resolved');
  });

  it('posts the AI answer to a ticket that needs a person, then keeps it waiting on an agent under its SLA', async () => {
    const { id, handle } = await startTicket('Charged twice', 'I was charged twice for this month, $95 on the 3rd and again on the 4th. Please refund one of them.');
    const waiting = await until(handle, (s) => s.status === 'awaiting_agent' && s.slaDueAt !== null);
    expect(waiting).toMatchObject({ category: 'billing', priority: 'high', answeredBy: 'ai' });
    expect(waiting.confidence).toBeGreaterThanOrEqual(0.5);
    await expect.poll(async () => (await row(id)).slaDueAt?.toISOString()).toBe(waiting.slaDueAt);
    expect(await authors(id)).toEqual(['customer', 'ai']);
    await expect.poll(() => orm.em.fork().count(EmailMessage, { template: 'ticket_answered' })).toBe(1);

    await env.sleep(SLA.high + HOUR);
    await until(handle, (s) => s.escalated);
    await handle.signal(agentRepliedSignal, { messageId: 'agent-1' });
    await until(handle, (s) => s.status === 'awaiting_customer' && s.answeredBy === 'agent');
    await handle.signal(resolveTicketSignal);
    expect(await handle.result()).toMatchObject({ status: 'resolved', csatRequested: true });
    await recordHistory(handle, 'ticket-ai-answered-then-agent-resolved');
  });

  it('asks for a rating when the customer closes an answered ticket, not when they close an unanswered one', async () => {
    const answered = await startTicket(...DOMAIN_QUESTION);
    await until(answered.handle, (s) => s.status === 'awaiting_customer');
    await answered.handle.signal(closeTicketSignal);
    expect(await answered.handle.result()).toMatchObject({ status: 'closed', csatRequested: true });
    expect(await row(answered.id)).toMatchObject({ closeReason: 'customer' });

    const unanswered = await startTicket(...DOMAIN_QUESTION, 1);
    await until(unanswered.handle, (s) => s.status === 'awaiting_agent');
    await unanswered.handle.signal(closeTicketSignal);
    expect(await unanswered.handle.result()).toMatchObject({ status: 'closed', csatRequested: false });
    expect((await row(unanswered.id)).csatRequestedAt).toBeNull();
  });

  it('sends the ticket to a person when triage fails', async () => {
    failTriage = true;
    const { id, handle } = await startTicket(...DOMAIN_QUESTION);
    expect(await until(handle, (s) => s.status === 'awaiting_agent')).toMatchObject({ category: null, answeredBy: null });
    expect(await authors(id)).toEqual(['customer']);
  });

  it('opens one edit request for a content-edit ticket', async () => {
    const { id, handle } = await startTicket('Update our phone number', 'Please change the phone number on the homepage to 555-0100 and add our new van photo.', 1);
    await until(handle, (s) => s.status === 'awaiting_agent');
    expect((await row(id)).category).toBe('content_edit');
    expect(await orm.em.fork().count(EditRequest, { ticket: id })).toBe(1);
  });

  it('a worker crash right after the AI answer is stored does not post it twice', async () => {
    crashNextMessage = true;
    const { id, handle } = await startTicket(...DOMAIN_QUESTION);
    await until(handle, (s) => s.status === 'awaiting_customer');
    expect(crashNextMessage).toBe(false);
    expect(await authors(id)).toEqual(['customer', 'ai']);
  });
});
