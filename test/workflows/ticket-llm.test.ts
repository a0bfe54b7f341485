import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TicketMessage } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { startFakeLlm, type FakeLlm } from '../../lib/openai/fake.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { ticketStateQuery } from '../../workflows/support-ticket/contract.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let llm: FakeLlm;
let stack: TestStack;

beforeAll(async () => {
  llm = await startFakeLlm({ port: 0, apiKey: 'sk-test-llm', slowMs: 3_000 });
  stack = await startTestStack({ ASSISTANT: 'openai', OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test-llm', OPENAI_MODEL: 'test-model', OPENAI_TIMEOUT: '1s', AI_CONFIDENCE_THRESHOLD: '0.5' });
});
afterAll(async () => {
  await stack.stop();
  await llm.close();
});
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});

async function openTicket(): Promise<{ id: string; status: () => Promise<string> }> {
  const { token } = await signedInOwner(stack.api, `owner-${Date.now()}@example.com`, ['plumber-joe']);
  const res = await stack.api.app.inject({
    method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` },
    payload: { subject: 'Connect my domain', description: 'How do I point joesplumbing.com at my site? Which DNS records?' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  const handle = stack.api.temporal.workflow.getHandle(workflowIds.ticket(id));
  return { id, status: async () => (await handle.query(ticketStateQuery)).status };
}

describe('ticket triage through an OpenAI-compatible API', () => {
  it('posts the model’s structured answer when it is confident', async () => {
    llm.respondWith('echo-local');
    const ticket = await openTicket();
    await expect.poll(ticket.status, { timeout: 15_000 }).toBe('awaiting_customer');
    expect(llm.requests().at(-1)).toMatchObject({ authorization: 'Bearer sk-test-llm' });
    expect(await stack.api.orm.em.fork().count(TicketMessage, { ticket: ticket.id, authorType: 'ai' })).toBe(1);
  });

  it.each(['malformed', 'schema-invalid', 'error500', 'slow'] as const)('hands the ticket to an agent when the model answers %s', async (mode) => {
    llm.respondWith(mode);
    const ticket = await openTicket();
    await expect.poll(ticket.status, { timeout: 30_000 }).toBe('awaiting_agent');
    expect(await stack.api.orm.em.fork().count(TicketMessage, { ticket: ticket.id, authorType: 'ai' })).toBe(0);
  }, 40_000);
});
