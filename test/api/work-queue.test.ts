import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EditRequest, OperatorCase, Site, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const ADMIN = { authorization: 'Bearer dev-admin-token' };
const HOUR = 3_600_000;

beforeAll(async () => {
  // Every ticket waits for an agent (no AI answer is confident enough), as in the console tests.
  stack = await startTestStack({ AI_CONFIDENCE_THRESHOLD: '1', QUEUE_SLA_OPERATOR_CASE: '8h', QUEUE_SLA_DOMAIN_CHECK: '4h', QUEUE_SLA_EDIT_NEEDS_AGENT: '24h', QUEUE_SLA_EDIT_REJECTED: '12h', EDIT_REMINDER_AFTER: '10s', EDIT_EXPIRY: '20s' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});

interface Item { kind: string; id: string; title: string; detail: string | null; url: string; business_name: string | null; customer_name: string | null; waiting_since: string; due_at: string; overdue: boolean }

function call(headers: Record<string, string>, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

const queue = async () => (await call(ADMIN, 'GET', '/api/v1/admin/work-queue')).json<{ items: Item[]; count: number; overdue: number }>();
const kinds = async () => (await queue()).items.map((i) => i.kind).sort();

/** An owner of an active Plumber Joe's, signed in. */
async function activeOwner() {
  const owner = await signedInOwner(stack.api, 'joe@example.com', ['plumber-joe']);
  const em = stack.api.orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  await em.flush();
  return { bearer: { authorization: `Bearer ${owner.token}` }, siteId: site.id };
}

/** One of each kind of work: a ticket, an edit the editor handed over, a rejected preview, a case, a domain check. */
async function oneOfEach() {
  const { bearer, siteId } = await activeOwner();
  const ticket = await call(bearer, 'POST', '/api/v1/tickets', { subject: 'Booking form', description: 'The booking form does not send', site_id: siteId });
  expect(ticket.statusCode, ticket.body).toBe(201);
  const ticketId = ticket.json<{ id: string }>().id;
  const edits = `/api/v1/customer/sites/${siteId}/edit-requests`;
  const handed = (await call(bearer, 'POST', edits, { request: 'Please add a banner saying we are hiring' })).json<{ id: string }>().id;
  const purple = (await call(bearer, 'POST', edits, { request: 'Make the buttons purple' })).json<{ id: string }>().id;
  await eventually(async () => (await call(bearer, 'GET', `${edits}/${purple}`)).json<{ status: string }>().status, (s) => s === 'awaiting_approval', 30_000);
  expect((await call(bearer, 'POST', `${edits}/${purple}/reject`, { reason: 'Too bright; use navy instead' })).statusCode).toBe(200);
  const em = stack.api.orm.em.fork();
  const raised = em.create(OperatorCase, { key: 'pa_1', kind: 'refund_refused', reason: 'The refund of pa_1 was refused', site: siteId, workflowId: 'claim:x', payload: {} });
  await em.flush();
  const asked = await call(bearer, 'POST', `/api/v1/customer/sites/${siteId}/domain/ask`);
  expect(asked.statusCode, asked.body).toBe(201);
  const domainTicketId = asked.json<{ ticket_id: string }>().ticket_id;
  const again = await call(bearer, 'POST', `/api/v1/customer/sites/${siteId}/domain/ask`);
  expect(again.statusCode).toBe(200);
  expect(again.json()).toMatchObject({ ticket_id: domainTicketId, created: false });
  await eventually(kinds, (k) => k.length === 5, 30_000);
  return { bearer, siteId, ticketId, handed, purple, caseId: raised.id, domainTicketId };
}

describe('the agents\' work queue', () => {
  it('lists each kind of work with its deadline, soonest first, and counts it for the navigation', async () => {
    const work = await oneOfEach();
    const listed = await queue();
    expect(listed.items.map((i) => i.kind).sort()).toEqual(['domain_check', 'edit_needs_agent', 'edit_rejected', 'operator_case', 'ticket']);
    expect(listed.count).toBe(5);
    const byKind = Object.fromEntries(listed.items.map((i) => [i.kind, i]));
    const waited = (i: Item | undefined) => Date.parse(i!.due_at) - Date.parse(i!.waiting_since);
    expect(waited(byKind.operator_case)).toBe(8 * HOUR);
    expect(waited(byKind.domain_check)).toBe(4 * HOUR);
    expect(waited(byKind.edit_needs_agent)).toBe(24 * HOUR);
    expect(waited(byKind.edit_rejected)).toBe(12 * HOUR);
    const ticket = await stack.api.orm.em.fork().findOneOrFail(SupportTicket, work.ticketId);
    expect(byKind.ticket!.due_at).toBe(ticket.slaDueAt!.toISOString());
    const { business } = await stack.api.orm.em.fork().findOneOrFail(Site, work.siteId, { populate: ['business'] });
    expect(byKind).toMatchObject({
      ticket: { id: work.ticketId, title: 'Booking form', url: `/console/tickets/${work.ticketId}`, business_name: business.name, overdue: false },
      edit_needs_agent: { id: work.handed, url: `/console/edit-requests/${work.handed}`, title: 'Please add a banner saying we are hiring' },
      edit_rejected: { id: work.purple, detail: 'Owner\'s reason: Too bright; use navy instead' },
      operator_case: { id: work.caseId, detail: 'The refund of pa_1 was refused' },
      domain_check: { id: work.domainTicketId, title: 'Please help me connect my domain', url: `/console/tickets/${work.domainTicketId}` },
    });
    const dues = listed.items.map((i) => i.due_at);
    expect(dues).toEqual([...dues].sort());

    // A case opened 9 hours ago is past its 8-hour deadline: overdue, and first.
    await stack.api.orm.em.fork().nativeUpdate(OperatorCase, { id: work.caseId }, { createdAt: new Date(Date.now() - 9 * HOUR) });
    const later = await queue();
    expect(later.items[0]).toMatchObject({ kind: 'operator_case', overdue: true });
    expect(later.overdue).toBe(1);
    const count = await call(ADMIN, 'GET', '/api/v1/admin/work-queue/count');
    expect(count.statusCode).toBe(200);
    expect(count.json()).toEqual({ count: 5, overdue: 1 });
    expect((await call(work.bearer, 'GET', '/api/v1/admin/work-queue/count')).statusCode).toBe(401);
  });

  it('each item leaves the queue when a person handles it', async () => {
    const work = await oneOfEach();
    const gone = (kind: string) => eventually(kinds, (k) => !k.includes(kind), 30_000);

    expect((await call(ADMIN, 'POST', `/api/v1/admin/tickets/${work.ticketId}/reply`, { body: 'We fixed the form.' })).statusCode).toBe(202);
    await gone('ticket');

    const live = (await stack.api.orm.em.fork().findOneOrFail(Site, work.siteId, { populate: ['currentVersion'] })).currentVersion!.content;
    const detail = await call(ADMIN, 'GET', `/api/v1/admin/edit-requests/${work.handed}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ status: 'needs_agent', customer: { name: expect.any(String) as string, email: 'joe@example.com' }, live_content: live, editor_reason: expect.any(String) as string });
    const drafted = await call(ADMIN, 'PUT', `/api/v1/admin/edit-requests/${work.handed}/draft`, { content: { ...live, tagline: 'We are hiring plumbers!' }, summary: 'Hiring tagline' });
    expect(drafted.statusCode, drafted.body).toBe(200);
    await gone('edit_needs_agent');

    expect((await call(ADMIN, 'POST', `/api/v1/admin/edit-requests/${work.purple}/answer`, { body: '   ' })).statusCode).toBe(400);
    const answered = await call(ADMIN, 'POST', `/api/v1/admin/edit-requests/${work.purple}/answer`, { body: 'Navy it is: ask again and we will draft it.' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ agent_answer: 'Navy it is: ask again and we will draft it.', agent_answered_by: 'The WebMagic team' });
    await gone('edit_rejected');
    const again = await call(ADMIN, 'POST', `/api/v1/admin/edit-requests/${work.purple}/answer`, { body: 'Twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'edit_request_already_answered' });
    const email = await eventually(async () => stack.postmark.sent().find((m) => m.Tag === 'edit_answered'), (m) => m !== undefined, 30_000);
    expect(email!.TextBody).toContain('Navy it is');
    const mine = await call(work.bearer, 'GET', `/api/v1/customer/sites/${work.siteId}/edit-requests/${work.purple}`);
    expect(mine.json()).toMatchObject({ agent_answer: 'Navy it is: ask again and we will draft it.' });
    // A request that waits for the owner, not for an agent, is not answered from the queue.
    const waiting = await call(ADMIN, 'POST', `/api/v1/admin/edit-requests/${work.handed}/answer`, { body: 'Hello' });
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json()).toMatchObject({ error: 'edit_request_not_waiting' });
    expect((await stack.api.orm.em.fork().findOneOrFail(EditRequest, work.handed)).agentAnswer).toBeNull();

    expect((await call(ADMIN, 'POST', `/api/v1/admin/needs-attention/${work.caseId}/resolve`, { resolution: 'Refunded by hand' })).statusCode).toBe(200);
    await gone('operator_case');

    expect((await call(ADMIN, 'POST', `/api/v1/admin/tickets/${work.domainTicketId}/reply`, { body: 'Your CNAME points elsewhere; change it to ours.' })).statusCode).toBe(202);
    await gone('domain_check');
    expect(await queue()).toMatchObject({ items: [], count: 0, overdue: 0 });
  });
});

describe('an agent\'s answer to an edit request', () => {
  it('is shown to the owner, and the request nobody drafted then expires without telling the owner it was "not approved in time"', async () => {
    const { bearer, siteId } = await activeOwner();
    const edits = `/api/v1/customer/sites/${siteId}/edit-requests`;
    const id = (await call(bearer, 'POST', edits, { request: 'Please add a banner saying we are closed in August' })).json<{ id: string }>().id;
    await eventually(async () => (await call(bearer, 'GET', `${edits}/${id}`)).json<{ status: string }>().status, (s) => s === 'needs_agent', 30_000);
    expect((await call(ADMIN, 'POST', `/api/v1/admin/edit-requests/${id}/answer`, { body: 'We added it to your opening hours instead.' })).statusCode).toBe(200);
    // The edit's workflow ends once it has told the owner whatever it tells at expiry.
    expect(await stack.api.temporal.workflow.getHandle(workflowIds.siteEdit(id)).result()).toMatchObject({ status: 'expired' });
    expect((await call(bearer, 'GET', `${edits}/${id}`)).json()).toMatchObject({ status: 'expired', agent_answer: 'We added it to your opening hours instead.' });
    expect(stack.postmark.sent().filter((m) => m.Tag === 'edit_expired')).toEqual([]);
    expect(stack.postmark.sent().filter((m) => m.Tag === 'edit_answered')).toHaveLength(1);
  });
});

describe('the agent\'s ticket view', () => {
  it('names the customer and business, labels who wrote each message, shows the draft only while new, and lists every ticket not closed as open', async () => {
    const { bearer, siteId } = await activeOwner();
    const first = (await call(bearer, 'POST', '/api/v1/tickets', { subject: 'Booking form', description: 'It does not send', site_id: siteId })).json<{ id: string }>().id;
    const second = (await call(bearer, 'POST', '/api/v1/tickets', { subject: 'Opening hours', description: 'Where do I change them?', site_id: siteId })).json<{ id: string }>().id;
    const third = (await call(bearer, 'POST', '/api/v1/tickets', { subject: 'Invoice', description: 'Please send an invoice', site_id: siteId })).json<{ id: string }>().id;
    for (const id of [first, second, third]) {
      await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, id)).status, (s) => s === 'awaiting_agent', 30_000);
    }
    const em = stack.api.orm.em.fork();
    const edit = em.create(EditRequest, { site: siteId, ticket: first, requestText: 'Bigger photos', status: 'needs_agent' });
    await em.flush();
    const view = (await call(ADMIN, 'GET', `/api/v1/admin/tickets/${first}`)).json<Record<string, unknown>>();
    const site = await stack.api.orm.em.fork().findOneOrFail(Site, siteId, { populate: ['business'] });
    expect(view).toMatchObject({
      customer: { email: 'joe@example.com', name: expect.any(String) as string }, business_name: site.business.name, ai_draft_new: true,
      edit_requests: [{ id: edit.id, status: 'needs_agent' }],
    });

    expect((await call(ADMIN, 'POST', `/api/v1/admin/tickets/${first}/reply`, { body: 'Fixed.' })).statusCode).toBe(202);
    expect((await call(ADMIN, 'POST', `/api/v1/admin/tickets/${third}/resolve`)).statusCode).toBe(202);
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, third)).status, (s) => s === 'resolved', 30_000);
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, first)).status, (s) => s === 'awaiting_customer', 30_000);
    const after = (await call(ADMIN, 'GET', `/api/v1/admin/tickets/${first}`)).json<{ ai_draft_new: boolean; messages: { author_type: string; author_name: string | null }[] }>();
    expect(after.ai_draft_new).toBe(false);
    expect(after.messages.map((m) => [m.author_type, m.author_name])).toEqual([['customer', null], ['agent', null]]);

    const open = (await call(ADMIN, 'GET', '/api/v1/admin/tickets?status=open')).json<{ tickets: { id: string }[] }>();
    expect(open.tickets.map((t) => t.id).sort()).toEqual([first, second].sort());
  });
});
