import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { callApi, readMail as readStackMail } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(async () => {
  await stopSubscriptionWorkflows(stack);
  await stack.stop();
});

/** Every request goes over real HTTP to the listening API. */
const call = <T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) => callApi<T>(stack, method, path, { body, token });
const readMail = (to: string, tag: string) => readStackMail(stack, to, tag);

const hosted = async () => (await fetch(`${stack.baseUrl}/sites/plumber-joe`)).text();

describe('an owner changes their phone number through a support ticket', () => {
  it('ticket → preview email → approve → live page shows the new number → rollback → the old number', async () => {
    const email = 'joe.edits@example.com';
    const siteId = await buySite(stack, 'plumber-joe', email);
    const token = await accessTokenFor(stack, email);
    await activateSubscription(stack, token, siteId);
    expect(await hosted()).toContain('+1 512-555-0187');

    const ticket = await call<{ id: string }>('POST', '/api/v1/tickets', token, { subject: 'New phone number', description: 'please change our phone number to (555) 010-2233' });
    expect(ticket.status).toBe(201);

    const mail = await readMail(email, 'edit_preview_ready');
    const previewUrl = /(http:\/\/\S+\/preview\/[A-Za-z0-9_-]{43})/.exec(mail.TextBody)?.[1];
    expect(previewUrl).toBeTruthy();
    const preview = await fetch(previewUrl!.replace(stack.api.config.publicBaseUrl, stack.baseUrl));
    expect(preview.status).toBe(200);
    expect(preview.headers.get('cache-control')).toBe('no-store');
    expect(await preview.text()).toContain('(555) 010-2233');
    expect(await hosted()).not.toContain('(555) 010-2233');

    const requests = await call<{ edit_requests: { id: string; ticket_id: string; status: string }[] }>('GET', `/api/v1/customer/sites/${siteId}/edit-requests`, token);
    expect(requests.json.edit_requests).toMatchObject([{ ticket_id: ticket.json.id, status: 'awaiting_approval' }]);
    const editId = requests.json.edit_requests[0]!.id;

    const approved = await call('POST', `/api/v1/customer/sites/${siteId}/edit-requests/${editId}/approve`, token);
    expect(approved).toMatchObject({ status: 200, json: { status: 'published', version_number: 2 } });
    expect(await hosted()).toContain('(555) 010-2233');
    await readMail(email, 'edit_published');
    const messages = await call<{ messages: { author_type: string; body: string }[] }>('GET', `/api/v1/tickets/${ticket.json.id}`, token);
    expect(messages.json.messages.map((m) => m.body).join('\n')).toContain('Your change is live');

    const rollback = await call('POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`, token);
    expect(rollback).toMatchObject({ status: 200, json: { number: 1, live: true } });
    const page = await hosted();
    expect(page).toContain('+1 512-555-0187');
    expect(page).not.toContain('(555) 010-2233');
  }, 90_000);
});
