import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyReply } from 'fastify';
import { Value } from 'typebox/value';
import { sharedLocalAssistant, type LocalTicketAssistant } from '../assistant/local-assistant.js';
import type { TriageInput } from '../assistant/ticket-assistant.js';
import { ListingSchema, type Listing } from '../preview-generator/generator.js';
import { generateLocally } from '../preview-generator/local-generator.js';
import { PREVIEW_SITE_SCHEMA_NAME } from '../preview-generator/openai-generator.js';
import { LocalSiteEditor } from '../site-editor/local-editor.js';
import { SITE_EDIT_SCHEMA_NAME } from '../site-editor/openai-editor.js';
import type { EditInput } from '../site-editor/site-editor.js';

/**
 * How the fake answers chat completions: the embedded models' answers, or one of the failures an adapter must survive.
 * `embellish` answers a preview-site request with the embedded generator's text plus claims no listing makes (what the
 * quality gate is for); other requests as `echo-local`.
 */
export type FakeLlmMode = 'echo-local' | 'malformed' | 'schema-invalid' | 'slow' | 'error500' | 'embellish';

/** Options of the local fake OpenAI-compatible server. */
export interface FakeLlmOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The only bearer token the server accepts. */
  apiKey: string;
  /** How long `slow` mode waits before answering; 10 s by default. */
  slowMs?: number;
  /** Answers `echo-local` requests; the process-wide assistant trained on the shipped data by default. */
  assistant?: LocalTicketAssistant;
  logger?: boolean;
}

/** A request the fake received, as sent. */
export interface RecordedLlmRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** A running fake LLM server and the controls tests use. */
export interface FakeLlm {
  /** Base URL to give the adapter, e.g. `http://127.0.0.1:4321/v1`. */
  url: string;
  close(): Promise<void>;
  /** Requests received so far, oldest first (rejected ones included). */
  requests(): RecordedLlmRequest[];
  /** How the following requests are answered (until changed). */
  respondWith(mode: FakeLlmMode): void;
}

interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function openAiError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ParsedRequest = { ok: true; model: string; messages: unknown[] } | { ok: false; error: OpenAiErrorBody };

function parseRequest(body: unknown): ParsedRequest {
  const invalid = (message: string, param: string | null = null, code: string | null = null): ParsedRequest => ({
    ok: false,
    error: openAiError(message, 'invalid_request_error', code, param),
  });
  if (!isObject(body)) return invalid('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') return invalid('you must provide a model parameter', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("Invalid 'messages': empty array.", 'messages', 'empty_array');
  const format = body.response_format;
  if (format !== undefined) {
    const schema = isObject(format) ? format.json_schema : undefined;
    if (!isObject(format) || (format.type === 'json_schema' && (!isObject(schema) || typeof schema.name !== 'string' || !isObject(schema.schema)))) {
      return invalid("Invalid 'response_format': a json_schema format needs json_schema.name and json_schema.schema.", 'response_format');
    }
  }
  return { ok: true, model: body.model, messages: body.messages };
}

// The adapter sends the ticket as JSON in the last user message; any other text is read as the ticket's description.
function ticketFrom(messages: unknown[]): TriageInput {
  const user = [...messages].reverse().find((m) => isObject(m) && m.role === 'user');
  const content = isObject(user) && typeof user.content === 'string' ? user.content : '';
  try {
    const parsed: unknown = JSON.parse(content);
    const ticket = isObject(parsed) && isObject(parsed.ticket) ? parsed.ticket : undefined;
    if (ticket && typeof ticket.subject === 'string' && typeof ticket.description === 'string') {
      return {
        subject: ticket.subject,
        description: ticket.description,
        siteTitle: typeof ticket.site_title === 'string' ? ticket.site_title : undefined,
        businessCategory: typeof ticket.business_category === 'string' ? ticket.business_category : undefined,
      };
    }
  } catch {
    // Not JSON: a plain-text prompt.
  }
  return { subject: '', description: content };
}

function schemaName(body: unknown): string | undefined {
  const format = isObject(body) ? body.response_format : undefined;
  const schema = isObject(format) ? format.json_schema : undefined;
  return isObject(schema) && typeof schema.name === 'string' ? schema.name : undefined;
}

const siteEditor = new LocalSiteEditor();

// A site-edit request carries `{ edit: { request, content } }`; the embedded editor answers it in the strict response format.
function siteEditAnswer(messages: unknown[]): string {
  const user = [...messages].reverse().find((m) => isObject(m) && m.role === 'user');
  const parsed: unknown = JSON.parse(isObject(user) && typeof user.content === 'string' ? user.content : '{}');
  const edit = (isObject(parsed) ? parsed.edit : undefined) as EditInput;
  const proposal = siteEditor.proposeSync(edit);
  const blank = { field: '', value: '', days: '', name: '', from: '', to: '', target: '', template: '', font: '', radius: '' };
  return JSON.stringify(proposal.kind === 'refused'
    ? { understood: false, reason: proposal.reason, summary: '', confidence: proposal.confidence, changes: [] }
    : { understood: true, reason: '', summary: proposal.summary, confidence: proposal.confidence, changes: proposal.changes.map((c) => ({ ...blank, ...c })) });
}

// A preview-site request carries `{ listing: { name, category, address, city, phone, opening_hours, rating, review_count, services } }`.
function previewSiteAnswer(messages: unknown[], embellish: boolean): string {
  const user = [...messages].reverse().find((m) => isObject(m) && m.role === 'user');
  const parsed: unknown = JSON.parse(isObject(user) && typeof user.content === 'string' ? user.content : '{}');
  const given = isObject(parsed) && isObject(parsed.listing) ? parsed.listing : {};
  const candidate = Object.fromEntries(Object.entries({
    name: given.name, category: given.category, address: given.address, city: given.city, phone: given.phone,
    hours: given.opening_hours, rating: given.rating, reviewCount: given.review_count, services: given.services,
  }).filter(([, value]) => value !== null && value !== undefined));
  if (!Value.Check(ListingSchema, candidate)) throw new Error('the preview-site request does not carry a listing');
  const listing: Listing = candidate;
  const { headline, tagline, about, services, callToAction, seoDescription, faq } = generateLocally(listing).content;
  const text = { headline, tagline, about, services, callToAction, seoDescription, faq };
  if (embellish) text.about = `${text.about} Licensed and insured, ${listing.name} has been the award-winning choice in ${listing.city} since 1998.`;
  return JSON.stringify(text);
}

/** Starts a local server that answers `POST /v1/chat/completions` the way an OpenAI-compatible API does. */
export async function startFakeLlm(options: FakeLlmOptions): Promise<FakeLlm> {
  if (options.apiKey.trim() === '') throw new Error('fake LLM needs a non-empty API key');
  const assistant = options.assistant ?? sharedLocalAssistant();
  const slowMs = options.slowMs ?? 10_000;
  const recorded: RecordedLlmRequest[] = [];
  const closing = new AbortController();
  let mode: FakeLlmMode = 'echo-local';
  let completions = 0;

  // A `slow` answer may still be pending when a test closes the server; don't wait for it.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });

  app.setErrorHandler((error, _request, reply) => {
    const status = isObject(error) && typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 500;
    const message = error instanceof Error ? error.message : 'The server had an error while processing your request.';
    return reply.code(status).send(openAiError(message, status < 500 ? 'invalid_request_error' : 'server_error'));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      recorded.push({ method: request.method, path: request.url, authorization: request.headers.authorization, body: undefined });
      return reply
        .code(401)
        .send(openAiError('Incorrect API key provided. You can find your API key in your account settings.', 'invalid_request_error', 'invalid_api_key'));
    }
  });

  const answer = (reply: FastifyReply, model: string, content: string) => {
    completions += 1;
    return reply.send({
      id: `chatcmpl-fake-${completions}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 0, completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(content.length / 4) },
    });
  };

  app.post('/v1/chat/completions', async (request, reply) => {
    recorded.push({ method: request.method, path: request.url, authorization: request.headers.authorization, body: request.body });
    const body = parseRequest(request.body);
    if (!body.ok) return reply.code(400).send(body.error);
    switch (mode) {
      case 'error500':
        return reply.code(500).send(openAiError('The server had an error while processing your request. Sorry about that!', 'server_error'));
      case 'malformed':
        return answer(reply, body.model, '{"category": "billing", "priority": "high", "confidence": 0.9, "reply": "Hello, we');
      case 'schema-invalid':
        return answer(reply, body.model, JSON.stringify({ category: 'refunds', priority: 'high', confidence: 1.7, reply: 'Hello' }));
      case 'slow':
        await sleep(slowMs, undefined, { signal: closing.signal }).catch(() => undefined);
        if (closing.signal.aborted) return reply.code(503).send(openAiError('The server is shutting down.', 'server_error'));
        return answer(reply, body.model, JSON.stringify(assistant.triageSync(ticketFrom(body.messages))));
      case 'embellish':
      case 'echo-local':
        if (schemaName(request.body) === PREVIEW_SITE_SCHEMA_NAME) return answer(reply, body.model, previewSiteAnswer(body.messages, mode === 'embellish'));
        if (schemaName(request.body) === SITE_EDIT_SCHEMA_NAME) return answer(reply, body.model, siteEditAnswer(body.messages));
        return answer(reply, body.model, JSON.stringify(assistant.triageSync(ticketFrom(body.messages))));
    }
  });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;

  return {
    url: `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}/v1`,
    close: async () => {
      closing.abort();
      await app.close();
    },
    requests: () => recorded.map((r) => structuredClone(r)),
    respondWith(next) {
      mode = next;
    },
  };
}
