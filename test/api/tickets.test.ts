import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Site, SupportTicket, TicketMessage } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { ticketStateQuery } from '../../workflows/support-ticket/contract.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
// Every ticket waits for an agent here: the confidence bar is above anything the model says.
const overrides = { AI_CONFIDENCE_THRESHOLD: '1' };

beforeAll(async () => {
  stack = await startTestStack(overrides);
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});

type Json = Record<string, unknown>;
const inject = (method: 'GET' | 'POST', url: string, token: string | undefined, payload?: unknown) =>
  stack.api.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
const admin = () => stack.api.config.auth.adminApiToken;
const counts = async () => ({ tickets: await stack.api.orm.em.fork().count(SupportTicket), messages: await stack.api.orm.em.fork().count(TicketMessage) });
const siteId = async (slug: string) => (await stack.api.orm.em.fork().findOneOrFail(Site, { slug })).id;

/** Waits until the workflow has moved the ticket to the status and its activity has written it to the row the API reads. */
async function waitForStatus(ticketId: string, status: string): Promise<void> {
  const handle = stack.api.temporal.workflow.getHandle(workflowIds.ticket(ticketId));
  await expect.poll(async () => (await handle.query(ticketStateQuery)).status, { timeout: 15_000 }).toBe(status);
  await expect.poll(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, ticketId)).status, { timeout: 15_000 }).toBe(status);
}

describe('POST /api/v1/tickets — which site a ticket is about', () => {
  it('uses the only site when the customer owns one and site_id is left out', async () => {
    const { token } = await signedInOwner(stack.api, 'one@example.com', ['plumber-joe']);
    const res = await inject('POST', '/api/v1/tickets', token, { subject: 'Change my opening hours', description: 'Please change Saturday hours to 9am-1pm.' });
    expect(res.statusCode, res.body).toBe(201);
    const ticket = res.json<Json>();
    expect(ticket).toMatchObject({ site_slug: 'plumber-joe', status: 'open', subject: 'Change my opening hours' });
    await waitForStatus(String(ticket.id), 'awaiting_agent');
  });

  it('asks which site when the customer owns several', async () => {
    const { token } = await signedInOwner(stack.api, 'many@example.com', ['plumber-joe', 'roofer-bob']);
    const res = await inject('POST', '/api/v1/tickets', token, { subject: 'Help', description: 'Something is wrong' });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; message: string; sites: unknown[] }>();
    expect(body.error).toBe('site_selection_required');
    expect(body.message).toMatch(/site_id/);
    expect(body.sites).toEqual([
        { site_id: await siteId('plumber-joe'), slug: 'plumber-joe', site_title: "Plumber Joe's", is_primary: true },
        { site_id: await siteId('roofer-bob'), slug: 'roofer-bob', site_title: 'Roofer Bob', is_primary: false },
    ]);
    const chosen = await inject('POST', '/api/v1/tickets', token, { subject: 'Help', description: 'Something is wrong', site_id: await siteId('roofer-bob') });
    expect(chosen.statusCode).toBe(201);
    expect(chosen.json()).toMatchObject({ site_slug: 'roofer-bob' });
  });

  it('refuses a site the customer does not own with 403, and a customer without sites with 400', async () => {
    const { token } = await signedInOwner(stack.api, 'one@example.com', ['plumber-joe']);
    const foreign = await inject('POST', '/api/v1/tickets', token, { subject: 'Help', description: 'x', site_id: await siteId('roofer-bob') });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: 'site_not_owned' });

    const { token: siteless } = await signedInOwner(stack.api, 'none@example.com', []);
    const none = await inject('POST', '/api/v1/tickets', siteless, { subject: 'Help', description: 'x' });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: 'no_site' });
    expect(await counts()).toEqual({ tickets: 0, messages: 0 });
  });

  it('refuses bad input without storing anything', async () => {
    const { token } = await signedInOwner(stack.api, 'one@example.com', ['plumber-joe']);
    const bad: [unknown, number][] = [
      [{ subject: '', description: 'x' }, 400],
      [{ subject: '   ', description: 'x' }, 400],
      [{ subject: 'ok', description: 'x'.repeat(10_001) }, 400],
      [{ subject: 'ok', description: 'x', priority: 'urgent' }, 400],
      [{ subject: 42, description: 'x' }, 400],
      [{ subject: 'ok', description: 'x', site_id: 'not-a-uuid' }, 400],
      [{ subject: 'ok', description: 'x'.repeat(300_000) }, 413],
    ];
    for (const [payload, status] of bad) expect((await inject('POST', '/api/v1/tickets', token, payload)).statusCode).toBe(status);
    expect((await inject('POST', '/api/v1/tickets', undefined, { subject: 'ok', description: 'x' })).statusCode).toBe(401);
    expect(await counts()).toEqual({ tickets: 0, messages: 0 });
  });
});

describe('following a ticket', () => {
  it('lists, filters and shows the customer’s own tickets, and hides everyone else’s', async () => {
    const ana = await signedInOwner(stack.api, 'ana@example.com', ['plumber-joe', 'roofer-bob']);
    const bob = await signedInOwner(stack.api, 'bob@example.com', ['la-plumbing-pros']);
    const joe = await siteId('plumber-joe');
    const created = await inject('POST', '/api/v1/tickets', ana.token, { subject: 'Photos', description: 'Add photos of our van', site_id: joe });
    await inject('POST', '/api/v1/tickets', ana.token, { subject: 'Invoice', description: 'Need an invoice', site_id: await siteId('roofer-bob') });
    const id = String(created.json<Json>().id);

    const all = await inject('GET', '/api/v1/tickets', ana.token);
    expect(all.json<{ tickets: Json[] }>().tickets).toHaveLength(2);
    const forJoe = await inject('GET', `/api/v1/tickets?site_id=${joe}`, ana.token);
    expect(forJoe.json<{ tickets: Json[] }>().tickets.map((t) => t.subject)).toEqual(['Photos']);
    expect((await inject('GET', '/api/v1/tickets?status=nonsense', ana.token)).statusCode).toBe(400);

    const one = await inject('GET', `/api/v1/tickets/${id}`, ana.token);
    expect(one.json<{ messages: Json[] }>().messages).toEqual([expect.objectContaining({ author_type: 'customer', body: 'Add photos of our van' })]);

    expect((await inject('GET', `/api/v1/tickets/${id}`, bob.token)).statusCode).toBe(404);
    expect((await inject('POST', `/api/v1/tickets/${id}/messages`, bob.token, { body: 'hi' })).statusCode).toBe(404);
    expect((await inject('POST', `/api/v1/tickets/${id}/close`, bob.token)).statusCode).toBe(404);
  });

  it('agent answers, customer replies (back to the agent), agent resolves, customer rates once', async () => {
    const { token } = await signedInOwner(stack.api, 'ana@example.com', ['plumber-joe']);
    const id = String((await inject('POST', '/api/v1/tickets', token, { subject: 'Booking form', description: 'The booking form does not send' })).json<Json>().id);
    await waitForStatus(id, 'awaiting_agent');

    const queue = await inject('GET', '/api/v1/admin/tickets', admin());
    expect(queue.json<{ tickets: Json[] }>().tickets.map((t) => t.id)).toContain(id);
    expect((await inject('GET', '/api/v1/admin/tickets', token)).statusCode).toBe(401);
    expect((await inject('POST', `/api/v1/admin/tickets/${id}/assign`, admin(), { agent: 'maria' })).json()).toMatchObject({ assigned_to: 'maria' });

    expect((await inject('POST', `/api/v1/tickets/${id}/rating`, token, { rating: 5 })).statusCode).toBe(409);
    expect((await inject('POST', `/api/v1/admin/tickets/${id}/reply`, admin(), { body: 'Fixed the form settings, please try again.' })).statusCode).toBe(202);
    await waitForStatus(id, 'awaiting_customer');
    expect((await inject('POST', `/api/v1/tickets/${id}/messages`, token, { body: 'Still broken on mobile' })).statusCode).toBe(202);
    await waitForStatus(id, 'awaiting_agent');
    expect((await inject('POST', `/api/v1/admin/tickets/${id}/resolve`, admin())).statusCode).toBe(202);
    await waitForStatus(id, 'resolved');

    const done = await inject('GET', `/api/v1/tickets/${id}`, token);
    expect(done.json()).toMatchObject({ status: 'resolved', close_reason: 'agent', csat_requested: true });
    expect(done.json<{ messages: Json[] }>().messages.map((m) => m.author_type)).toEqual(['customer', 'agent', 'customer', 'system']);
    expect((await inject('POST', `/api/v1/tickets/${id}/rating`, token, { rating: 6 })).statusCode).toBe(400);
    expect((await inject('POST', `/api/v1/tickets/${id}/rating`, token, { rating: 4 })).json()).toMatchObject({ csat_rating: 4 });
    expect((await inject('POST', `/api/v1/tickets/${id}/rating`, token, { rating: 5 })).statusCode).toBe(409);
    expect((await inject('POST', `/api/v1/tickets/${id}/messages`, token, { body: 'one more thing' })).statusCode).toBe(409);
  });
});
