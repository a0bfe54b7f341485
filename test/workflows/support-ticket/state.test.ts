import { describe, expect, it } from 'vitest';
import type { TicketTriage } from '../../../lib/assistant/ticket-assistant.js';
import { TicketProgress } from '../../../workflows/support-ticket/state.js';

const SLA = { urgent: 1, high: 4, normal: 24, low: 72 };

function triage(confidence: number, priority: TicketTriage['priority'] = 'high'): TicketTriage {
  return { category: 'domain', priority, confidence, reply: 'Add a CNAME record.', sources: [] };
}

describe('TicketProgress', () => {
  it('sends the AI answer only at or above the confidence threshold, and keeps the triage for the query', () => {
    const progress = new TicketProgress();
    expect(progress.triaged(triage(0.49, 'normal'), 0.5)).toBe('agent');
    expect(progress.triaged(triage(0.5, 'normal'), 0.5)).toBe('ai');
    expect(progress.state()).toMatchObject({ category: 'domain', priority: 'normal', confidence: 0.5 });
  });

  it('hands a confident answer that needs a person on to an agent: high or urgent, or a reply promising a person', () => {
    const progress = new TicketProgress();
    expect(progress.triaged(triage(0.99, 'high'), 0.5)).toBe('ai-then-agent');
    expect(progress.triaged(triage(0.99, 'urgent'), 0.5)).toBe('ai-then-agent');
    const promising = { ...triage(0.99, 'low'), category: 'billing' as const, reply: 'A member of our team will follow up on the refund.' };
    expect(progress.triaged(promising, 0.5)).toBe('ai-then-agent');
    expect(progress.triaged(triage(0.2, 'urgent'), 0.5)).toBe('agent');
  });

  it('uses the SLA of the triaged priority, normal before triage', () => {
    const progress = new TicketProgress();
    expect(progress.slaMs(SLA)).toBe(24);
    progress.triaged(triage(0.1, 'urgent'), 0.5);
    expect(progress.slaMs(SLA)).toBe(1);
  });

  it('counts a redelivered reply once and hands the turn back to the customer with the answer to email about', () => {
    const progress = new TicketProgress();
    expect(progress.agentTurnOver()).toBe(false);
    progress.agentReplied({ messageId: 'agent-1' });
    expect(progress.agentTurnOver()).toBe(true);
    expect(progress.takeAgentAnswer()).toEqual({ replyId: 'agent-1' });
    expect(progress.state().answeredBy).toBe('agent');
    progress.agentReplied({ messageId: 'agent-1' });
    expect(progress.takeAgentAnswer()).toBeNull();
  });

  it('sends a customer reply back to an agent, unless the ticket is ending anyway', () => {
    const progress = new TicketProgress();
    progress.customerReplied({ messageId: 'customer-1' });
    progress.customerReplied({ messageId: 'customer-1' });
    expect(progress.customerTurnOver()).toBe(true);
    expect(progress.takeCustomerReply()).toBe(true);
    expect(progress.takeCustomerReply()).toBe(false);

    progress.customerReplied({ messageId: 'customer-2' });
    progress.close();
    expect(progress.takeCustomerReply()).toBe(false);
  });

  it('an agent answer clears a customer message that came before it', () => {
    const progress = new TicketProgress();
    progress.customerReplied({ messageId: 'customer-1' });
    progress.agentReplied({ messageId: 'agent-1' });
    progress.takeAgentAnswer();
    expect(progress.customerTurnOver()).toBe(false);
  });

  it('ends resolved by the agent (which wins) or closed by the customer, asking for a rating only after an answer', () => {
    const progress = new TicketProgress();
    expect(progress.ending()).toBeNull();
    progress.close();
    expect(progress.ending()).toEqual({ status: 'closed', reason: 'customer' });
    progress.resolve();
    expect(progress.ending()).toEqual({ status: 'resolved', reason: 'agent' });
    expect(progress.asksForRating()).toBe(false);
    progress.answeredByAi();
    expect(progress.asksForRating()).toBe(true);
    progress.ratingRequested();
    progress.setStatus('resolved');
    expect(progress.done).toBe(true);
    expect(progress.state()).toMatchObject({ status: 'resolved', csatRequested: true });
  });

  it('escalates once and records the SLA due time', () => {
    const progress = new TicketProgress();
    progress.awaitAgent('2027-01-01T04:00:00.000Z');
    expect(progress.escalated).toBe(false);
    progress.escalate();
    expect(progress.state()).toMatchObject({ escalated: true, slaDueAt: '2027-01-01T04:00:00.000Z' });
  });
});
