import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedLocalAssistant } from '../../../lib/assistant/local-assistant.js';
import { OpenAiCompatibleAssistant, TRIAGE_SCHEMA_NAME, type OpenAiAssistantOptions } from '../../../lib/assistant/openai-assistant.js';
import { ChatCompletionError } from '../../../lib/openai/chat-completions.js';
import { startFakeLlm, type FakeLlm } from '../../../lib/openai/fake.js';

const API_KEY = 'sk-test-webmagic';
const SLOW_MS = 5000;
const ticket = {
  subject: 'Connect my domain',
  description: 'I bought lunabakery.com on GoDaddy. How do I make my site show on it?',
  siteTitle: 'Luna Bakery',
  businessCategory: 'bakery',
};

let fake: FakeLlm;

function adapter(overrides: Partial<OpenAiAssistantOptions> = {}): OpenAiCompatibleAssistant {
  return new OpenAiCompatibleAssistant({ baseUrl: fake.url, apiKey: API_KEY, model: 'gpt-test', timeoutMs: 3000, ...overrides });
}

async function triageError(promise: Promise<unknown>): Promise<ChatCompletionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ChatCompletionError)) throw new Error(`expected a ChatCompletionError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: API_KEY, slowMs: SLOW_MS });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.respondWith('echo-local');
});

describe('OpenAI-compatible assistant against the fake server', () => {
  it('sends a strict json_schema chat completion with the bearer key and returns the parsed triage', async () => {
    const triage = await adapter().triage(ticket);

    expect(triage).toEqual(sharedLocalAssistant().triageSync(ticket));
    expect(triage.category).toBe('domain');
    expect(triage.reply).toContain('TXT record');

    const request = fake.requests().at(-1);
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.body).toMatchObject({
      model: 'gpt-test',
      messages: [{ role: 'system' }, { role: 'user' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: TRIAGE_SCHEMA_NAME,
          strict: true,
          schema: { type: 'object', additionalProperties: false, required: ['category', 'priority', 'confidence', 'reply', 'sources'] },
        },
      },
    });
    const body = request?.body as { messages: { content: string }[] };
    const user = JSON.parse(body.messages[1]?.content ?? '{}') as { ticket: unknown; help_articles: { id: string }[] };
    expect(user.ticket).toEqual({ subject: ticket.subject, description: ticket.description, site_title: 'Luna Bakery', business_category: 'bakery' });
    expect(user.help_articles.map((a) => a.id)).toContain('connect-custom-domain');
  });

  it('fails with a non-retryable error when the key is wrong (401)', async () => {
    const error = await triageError(adapter({ apiKey: 'sk-wrong' }).triage(ticket));
    expect(error).toMatchObject({ code: 'client_error', retryable: false, status: 401 });
    expect(error.message).not.toContain('sk-wrong');
    expect(fake.requests().at(-1)?.authorization).toBe('Bearer sk-wrong');
  });

  it('fails with a non-retryable error when the model output is not JSON', async () => {
    fake.respondWith('malformed');
    const error = await triageError(adapter().triage(ticket));
    expect(error).toMatchObject({ code: 'invalid_output', retryable: false });
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('fails with a non-retryable error naming the problem when the output breaks the schema', async () => {
    fake.respondWith('schema-invalid');
    const error = await triageError(adapter().triage(ticket));
    expect(error).toMatchObject({ code: 'invalid_output', retryable: false });
    expect(error.message).toMatch(/does not match the triage schema/);
  });

  it('fails with a retryable error on a 500', async () => {
    fake.respondWith('error500');
    const error = await triageError(adapter().triage(ticket));
    expect(error).toMatchObject({ code: 'server_error', retryable: true, status: 500 });
  });

  it('gives up after timeoutMs with a retryable error', async () => {
    fake.respondWith('slow');
    const error = await triageError(adapter({ timeoutMs: 300 }).triage(ticket));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('fails with a retryable error when nothing listens', async () => {
    const closed = await startFakeLlm({ apiKey: API_KEY });
    await closed.close();
    const error = await triageError(adapter({ baseUrl: closed.url }).triage(ticket));
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });
});

describe('OpenAI-compatible assistant: provider statuses', () => {
  let server: Server;
  let status = 200;
  let content = '';

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status === 200 ? JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }) : '{"error":{}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const local = () => adapter({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });

  it.each([
    [429, 'rate_limited', true],
    [503, 'server_error', true],
    [400, 'client_error', false],
    [404, 'client_error', false],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (code, kind, retryable) => {
    status = code;
    expect(await triageError(local().triage(ticket))).toMatchObject({ code: kind, retryable, status: code });
  });

  it('drops cited article ids that are not in the knowledge base', async () => {
    status = 200;
    content = JSON.stringify({ category: 'domain', priority: 'normal', confidence: 0.8, reply: 'Hi', sources: ['connect-custom-domain', 'made-up'] });
    expect((await local().triage(ticket)).sources).toEqual(['connect-custom-domain']);
  });
});
