import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { FaultInjector, injectFaults, registerFaultControl, type FaultChange, type FaultReport } from '../fault-injection.js';
import { webhookAuthorization } from './webhooks.js';

/** Options of the local fake Postmark server. */
export interface FakePostmarkOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The only `X-Postmark-Server-Token` the server accepts. */
  serverToken: string;
  logger?: boolean;
  /** Faults its API injects from the start (see lib/fault-injection.ts); none by default. */
  faults?: FaultChange;
  /** Where its bounce and spam-complaint webhooks go, with the Basic-auth password the webhook URL would carry. */
  webhook?: { url: string; secret: string };
}

/** What a recipient did to a message, as the fake's webhooks report it. */
export type FakeBounceType = 'HardBounce' | 'SoftBounce' | 'SpamComplaint';

/** A message the fake accepted, in Postmark's own field names. */
export interface StoredMessage {
  MessageID: string;
  SubmittedAt: string;
  From: string;
  To: string;
  Cc?: string;
  Bcc?: string;
  ReplyTo?: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  Tag?: string;
  Metadata: Record<string, string>;
  MessageStream: string;
  Headers: { Name: string; Value: string }[];
  TemplateId?: number;
  TemplateAlias?: string;
  TemplateModel?: Record<string, unknown>;
}

/** HTTP statuses failNext can inject. */
export type InjectedFailureStatus = 500 | 503 | 429;

/** A running fake Postmark server and the controls tests use. */
export interface FakePostmark {
  /** Base URL, e.g. `http://127.0.0.1:3002`. */
  url: string;
  /** `host:port`, the ServerClient's `requestHost`. */
  host: string;
  close(): Promise<void>;
  /** Accepted messages, oldest first. */
  sent(): StoredMessage[];
  /** The next `count` send requests answer `status` instead of sending. */
  failNext(count: number, status?: InjectedFailureStatus): void;
  /** Sends to this address are rejected the way Postmark rejects a suppressed recipient (ErrorCode 406). */
  markInactive(email: string): void;
  /** Forgets messages, inactive recipients and pending failures. */
  reset(): void;
  /**
   * Changes the faults its API injects (sends and message retrieval); the same as `PUT /__faults`. A late answer
   * ("accept then time out") accepts and records the message, then answers after the hold. Throws a RangeError when invalid.
   */
  setFaults(change: FaultChange): FaultReport;
  /** The faults in force and how many were injected; the same as `GET /__faults`. */
  faults(): FaultReport;
  /**
   * The latest message to `email` bounced (or its recipient complained): a hard bounce or a complaint deactivates the
   * address, and the webhook Postmark would send is posted to the configured URL. Answers that delivery's HTTP status;
   * the same as `POST /__bounces` `{ "email", "type" }`.
   */
  bounce(email: string, type?: FakeBounceType): Promise<number>;
}

interface PostmarkErrorBody {
  ErrorCode: number;
  Message: string;
}

interface Recipient {
  Email: string;
  Name: string;
}

type Outcome = { ok: true; message: StoredMessage } | { ok: false; error: PostmarkErrorBody };

const MAX_RECIPIENTS = 50;
const MAX_BATCH = 500;
const METADATA_MAX_FIELDS = 10;
const METADATA_MAX_KEY = 20;
const METADATA_MAX_VALUE = 80;

const INJECTED_BODIES: Record<InjectedFailureStatus, Partial<PostmarkErrorBody>> = {
  500: { Message: 'Internal server error. Please try again later.' },
  503: { ErrorCode: 100, Message: 'Postmark is offline for maintenance. Please try again later.' },
  429: { ErrorCode: 429, Message: 'Rate limit exceeded. Please slow down your requests.' },
};

/** Injected faults answer the way Postmark's API does: 500 or 503 with an ErrorCode and Message. */
const FAULT_ANSWERS = {
  error: (faults: FaultInjector) => faults.pick([
    { status: 500, body: { ErrorCode: 0, ...INJECTED_BODIES[500] } },
    { status: 503, body: INJECTED_BODIES[503] },
  ]),
  timeout: { status: 504, body: { ErrorCode: 0, Message: 'Gateway timeout. Please try again later.' } },
};

/** The fault control endpoint, which needs no server token (an operator's switch on a local fake). */
function isFaultControl(request: FastifyRequest): boolean {
  return request.routeOptions.url === '/__faults' || request.routeOptions.url === '/__bounces';
}

const BOUNCE_TYPES: Record<FakeBounceType, { code: number; name: string; description: string }> = {
  HardBounce: { code: 1, name: 'Hard bounce', description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).' },
  SoftBounce: { code: 4096, name: 'Soft bounce/Undeliverable', description: 'Unable to temporarily deliver this email.' },
  SpamComplaint: { code: 512, name: 'Spam complaint', description: 'The subscriber explicitly marked this email as spam.' },
};

/** The webhook Postmark sends when a message bounced or its recipient complained, in Postmark's own fields. */
function bounceWebhook(message: StoredMessage, email: string, type: FakeBounceType): Record<string, unknown> {
  const known = BOUNCE_TYPES[type];
  return {
    RecordType: type === 'SpamComplaint' ? 'SpamComplaint' : 'Bounce', MessageStream: message.MessageStream, ID: Math.floor(Math.random() * 1e15),
    Type: type, TypeCode: known.code, Name: known.name, Tag: message.Tag ?? '', MessageID: message.MessageID, Metadata: message.Metadata, ServerID: 1,
    Description: known.description, Details: 'Simulated by the fake Postmark', Email: email, From: message.From, BouncedAt: new Date().toISOString(),
    DumpAvailable: false, Inactive: type !== 'SoftBounce', CanActivate: true, Subject: message.Subject, Content: '',
  };
}

const UNAUTHORIZED: PostmarkErrorBody = { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' };
const JSON_REQUIRED: PostmarkErrorBody = {
  ErrorCode: 409,
  Message: 'JSON required: the Accept and Content-Type headers must be set to application/json.',
};
const INVALID_JSON: PostmarkErrorBody = { ErrorCode: 402, Message: 'Received invalid JSON input.' };

function invalidRequest(message: string): PostmarkErrorBody {
  return { ErrorCode: 300, Message: message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAddressList(field: string, value: string): Recipient[] | PostmarkErrorBody {
  const parts = value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((part) => part.trim()).filter((part) => part !== '');
  const recipients: Recipient[] = [];
  for (const part of parts) {
    const named = /^(.*)<([^<>]+)>$/.exec(part);
    const email = (named?.[2] ?? part).trim();
    const name = (named?.[1] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      return invalidRequest(`Error parsing '${field}': Illegal email address '${email}'. It must contain the '@' symbol.`);
    }
    recipients.push({ Email: email, Name: name });
  }
  return recipients;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined | PostmarkErrorBody {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return invalidRequest(`'${field}' must be a string.`);
  return value;
}

function isError(value: unknown): value is PostmarkErrorBody {
  return isObject(value) && typeof value.ErrorCode === 'number';
}

function readMetadata(value: unknown): Record<string, string> | PostmarkErrorBody {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return invalidRequest("'Metadata' must be an object of string values.");
  const entries = Object.entries(value);
  if (entries.length > METADATA_MAX_FIELDS) return invalidRequest(`Metadata may hold at most ${METADATA_MAX_FIELDS} fields.`);
  const metadata: Record<string, string> = {};
  for (const [key, field] of entries) {
    if (typeof field !== 'string') return invalidRequest(`Metadata value of '${key}' must be a string.`);
    if (key.length > METADATA_MAX_KEY) return invalidRequest(`Metadata key '${key}' is longer than ${METADATA_MAX_KEY} characters.`);
    if (field.length > METADATA_MAX_VALUE) return invalidRequest(`Metadata value of '${key}' is longer than ${METADATA_MAX_VALUE} characters.`);
    metadata[key] = field;
  }
  return metadata;
}

function readHeaders(value: unknown): { Name: string; Value: string }[] | PostmarkErrorBody {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalidRequest("'Headers' must be an array of { Name, Value }.");
  const headers: { Name: string; Value: string }[] = [];
  for (const header of value) {
    if (!isObject(header) || typeof header.Name !== 'string' || typeof header.Value !== 'string' || header.Name === '') {
      return invalidRequest("Each entry of 'Headers' needs a string 'Name' and 'Value'.");
    }
    headers.push({ Name: header.Name, Value: header.Value });
  }
  return headers;
}

function addresses(value: string | undefined): Recipient[] {
  if (value === undefined) return [];
  const parsed = parseAddressList('To', value);
  return isError(parsed) ? [] : parsed;
}

function recipientsOf(message: StoredMessage): Recipient[] {
  return [...addresses(message.To), ...addresses(message.Cc), ...addresses(message.Bcc)];
}

function formatAddressList(recipients: Recipient[]): string {
  return recipients.map((r) => r.Email).join(', ');
}

function rawSource(message: StoredMessage): string {
  const boundary = `fake-postmark-${message.MessageID}`;
  const headers = [
    `From: ${message.From}`,
    `To: ${message.To}`,
    ...(message.Cc ? [`Cc: ${message.Cc}`] : []),
    ...(message.ReplyTo ? [`Reply-To: ${message.ReplyTo}`] : []),
    `Subject: ${message.Subject}`,
    `Date: ${new Date(message.SubmittedAt).toUTCString()}`,
    `Message-ID: <${message.MessageID}@fake-postmark.local>`,
    ...message.Headers.map((h) => `${h.Name}: ${h.Value}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts: [string, string][] = [];
  if (message.TextBody !== undefined) parts.push(['text/plain', message.TextBody]);
  if (message.HtmlBody !== undefined) parts.push(['text/html', message.HtmlBody]);
  if (message.TemplateModel !== undefined) parts.push(['application/json', JSON.stringify(message.TemplateModel, null, 2)]);
  const body = parts.map(([type, content]) => `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\n\r\n${content}\r\n`).join('');
  return `${headers.join('\r\n')}\r\n\r\n${body}--${boundary}--\r\n`;
}

function summary(message: StoredMessage) {
  return {
    MessageID: message.MessageID,
    Tag: message.Tag ?? '',
    To: addresses(message.To),
    Cc: addresses(message.Cc),
    Bcc: addresses(message.Bcc),
    Recipients: recipientsOf(message).map((r) => r.Email),
    ReceivedAt: message.SubmittedAt,
    From: message.From,
    Subject: message.Subject,
    Attachments: [],
    Status: 'Sent',
    TrackOpens: false,
    TrackLinks: 'None',
    Metadata: message.Metadata,
    MessageStream: message.MessageStream,
    Sandboxed: false,
  };
}

function parseCount(value: string | null, fallback: number, min: number, max: number): number | undefined {
  if (value === null) return fallback;
  if (!/^[0-9]+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= min && parsed <= max ? parsed : undefined;
}

/** Reads a request body that must be JSON (by its content type and its syntax). */
function readJsonBody(contentType: string | undefined, body: unknown): { ok: true; json: unknown } | { ok: false; error: PostmarkErrorBody } {
  if (contentType === undefined || !/^application\/json\b/i.test(contentType) || typeof body !== 'string') {
    return { ok: false, error: JSON_REQUIRED };
  }
  try {
    return { ok: true, json: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, error: INVALID_JSON };
  }
}

const MESSAGE_STRING_FIELDS = ['From', 'To', 'Cc', 'Bcc', 'ReplyTo', 'Subject', 'HtmlBody', 'TextBody', 'Tag', 'MessageStream', 'TemplateAlias'] as const;

/** A message's string fields, each absent or a string. */
type MessageStrings = Partial<Record<(typeof MESSAGE_STRING_FIELDS)[number], string>>;

/** Checks the sender (exactly one address) and the recipients (To, Cc and Bcc together: one to fifty). */
function readAddresses(strings: MessageStrings): { from: string; recipients: Recipient[] } | PostmarkErrorBody {
  const from = strings.From?.trim() ?? '';
  const fromParsed = parseAddressList('From', from);
  if (from === '' || isError(fromParsed) || fromParsed.length !== 1) return invalidRequest(`Invalid 'From' address: '${from}'.`);
  const recipients: Recipient[] = [];
  for (const field of ['To', 'Cc', 'Bcc'] as const) {
    const value = strings[field];
    if (value === undefined) continue;
    const parsed = parseAddressList(field, value);
    if (isError(parsed)) return parsed;
    recipients.push(...parsed);
  }
  if (recipients.length === 0) return invalidRequest('Zero recipients specified');
  if (recipients.length > MAX_RECIPIENTS) return invalidRequest(`Maximum of ${MAX_RECIPIENTS} recipients allowed per email message`);
  return { from, recipients };
}

/** Checks what a message says: a subject and a body for an email, a template and its model for a template send. */
function readContent(
  input: Record<string, unknown>,
  strings: MessageStrings,
  kind: 'email' | 'template',
): { subject: string; template: Pick<StoredMessage, 'TemplateId' | 'TemplateAlias' | 'TemplateModel'> } | PostmarkErrorBody {
  if (kind === 'email') {
    const subject = strings.Subject ?? '';
    if (subject.trim() === '') return invalidRequest("'Subject' is required.");
    if (!strings.HtmlBody && !strings.TextBody) return invalidRequest('Provide either email TextBody or HtmlBody or both.');
    return { subject, template: {} };
  }
  const id = input.TemplateId;
  if (id !== undefined && id !== null && !Number.isInteger(id)) return invalidRequest("'TemplateId' must be an integer.");
  const templateId = typeof id === 'number' ? id : undefined;
  if (templateId === undefined && !strings.TemplateAlias) return invalidRequest("Either 'TemplateId' or 'TemplateAlias' must be specified.");
  if (!isObject(input.TemplateModel)) return invalidRequest("'TemplateModel' must be an object.");
  return {
    subject: `Template ${strings.TemplateAlias ?? String(templateId)}`,
    template: { TemplateId: templateId, TemplateAlias: strings.TemplateAlias, TemplateModel: input.TemplateModel },
  };
}

/** Postmark's refusal of a send to suppressed recipients (ErrorCode 406). */
function inactiveRecipients(suppressed: Recipient[]): PostmarkErrorBody {
  return {
    ErrorCode: 406,
    Message:
      `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${formatAddressList(suppressed)}. ` +
      'Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.',
  };
}

/** Validates one message the way Postmark does and, when it passes, turns it into the message to store. */
function acceptMessage(input: unknown, kind: 'email' | 'template', inactive: ReadonlySet<string>): Outcome {
  if (!isObject(input)) {
    return { ok: false, error: { ErrorCode: 403, Message: 'Incompatible JSON: the request does not match the message schema.' } };
  }
  const strings: MessageStrings = {};
  for (const field of MESSAGE_STRING_FIELDS) {
    const value = optionalString(input, field);
    if (isError(value)) return { ok: false, error: value };
    strings[field] = value;
  }
  const addresses = readAddresses(strings);
  if (isError(addresses)) return { ok: false, error: addresses };
  const content = readContent(input, strings, kind);
  if (isError(content)) return { ok: false, error: content };
  const metadata = readMetadata(input.Metadata);
  if (isError(metadata)) return { ok: false, error: metadata };
  const headers = readHeaders(input.Headers);
  if (isError(headers)) return { ok: false, error: headers };
  const suppressed = addresses.recipients.filter((r) => inactive.has(r.Email.toLowerCase()));
  if (suppressed.length > 0) return { ok: false, error: inactiveRecipients(suppressed) };

  const message: StoredMessage = {
    MessageID: randomUUID(),
    SubmittedAt: new Date().toISOString(),
    From: addresses.from,
    To: strings.To ?? '',
    Cc: strings.Cc,
    Bcc: strings.Bcc,
    ReplyTo: strings.ReplyTo,
    Subject: content.subject,
    HtmlBody: strings.HtmlBody,
    TextBody: strings.TextBody,
    Tag: strings.Tag,
    Metadata: metadata,
    MessageStream: strings.MessageStream || 'outbound',
    Headers: headers,
    ...content.template,
  };
  return { ok: true, message };
}

/** Answers Postmark's outbound-message search (`GET /messages/outbound`), newest first, or why the query is refused. */
function searchOutbound(messages: readonly StoredMessage[], url: string): { TotalCount: number; Messages: ReturnType<typeof summary>[] } | PostmarkErrorBody {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(url, 'http://fake-postmark').searchParams) params.set(key.toLowerCase(), value);
  const count = parseCount(params.get('count') ?? null, 100, 1, 500);
  const offset = parseCount(params.get('offset') ?? null, 0, 0, 10_000);
  if (count === undefined || offset === undefined || count + offset > 10_000) {
    return invalidRequest('count must be 1-500, offset 0 or more, and count + offset at most 10000.');
  }
  const recipient = params.get('recipient')?.toLowerCase();
  const fromEmail = params.get('fromemail')?.toLowerCase();
  const tag = params.get('tag');
  const subject = params.get('subject')?.toLowerCase();
  const stream = params.get('messagestream');
  // Postmark's metadata filter: `metadata_<field>=<value>` (one field per search).
  const metadataFilters = [...params].filter(([key]) => key.startsWith('metadata_')).map(([key, value]) => [key.slice('metadata_'.length), value] as const);
  const matching = messages
    .filter((m) => metadataFilters.every(([field, value]) => Object.entries(m.Metadata).some(([k, v]) => k.toLowerCase() === field && v === value)))
    .filter((m) => recipient === undefined || recipientsOf(m).some((r) => r.Email.toLowerCase() === recipient))
    .filter((m) => fromEmail === undefined || m.From.toLowerCase().includes(fromEmail))
    .filter((m) => tag === undefined || m.Tag === tag)
    .filter((m) => subject === undefined || m.Subject.toLowerCase().includes(subject))
    .filter((m) => stream === undefined || m.MessageStream === stream)
    .reverse();
  return { TotalCount: matching.length, Messages: matching.slice(offset, offset + count).map(summary) };
}

/** Postmark's details of one message (`GET /messages/outbound/:id/details`): its bodies, raw source and delivery events. */
function messageDetails(message: StoredMessage) {
  return {
    ...summary(message),
    TextBody: message.TextBody ?? '',
    HtmlBody: message.HtmlBody ?? '',
    Body: rawSource(message),
    MessageEvents: recipientsOf(message).map((r) => ({
      Recipient: r.Email,
      Type: 'Delivered',
      ReceivedAt: message.SubmittedAt,
      Details: {
        DeliveryMessage: 'Accepted by the local fake Postmark server; not delivered.',
        DestinationServer: 'fake-postmark',
        DestinationIP: '127.0.0.1',
      },
    })),
  };
}

/** Makes the server read every body as text and answer like Postmark: a server token and a JSON-accepting client are required. */
function guardRequests(app: FastifyInstance, expectedToken: string): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((error, _request, reply) => {
    const code = isObject(error) && typeof error.code === 'string' ? error.code : '';
    if (code.startsWith('FST_ERR_CTP_')) return reply.code(code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : 422).send(JSON_REQUIRED);
    return reply.code(500).send({ ErrorCode: 0, Message: error instanceof Error ? error.message : 'Internal server error' });
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isFaultControl(request)) return;
    const token = request.headers['x-postmark-server-token'];
    if (typeof token !== 'string' || token.trim().toLowerCase() !== expectedToken) {
      return reply.code(401).send(UNAUTHORIZED);
    }
    const accept = request.headers.accept;
    if (accept !== undefined && !/application\/json|application\/\*|\*\/\*/i.test(accept)) {
      return reply.code(422).send(JSON_REQUIRED);
    }
  });
}

/** The fake's state: what it accepted, whom it treats as suppressed, and the failures it is told to answer next. */
interface FakeState {
  messages: StoredMessage[];
  inactive: Set<string>;
  failures: InjectedFailureStatus[];
}

/** The sending endpoints: one email, one template send, and a batch of emails (each accepted or refused on its own). */
function sendRoutes(app: FastifyInstance, state: FakeState): void {
  const fail = (reply: FastifyReply, error: PostmarkErrorBody, status = 422) => reply.code(status).send(error);
  const commit = (message: StoredMessage) => {
    state.messages.push(message);
    return { To: message.To, SubmittedAt: message.SubmittedAt, MessageID: message.MessageID, ErrorCode: 0, Message: 'OK' };
  };
  const sendRoute = (path: string, handle: (json: unknown, reply: FastifyReply) => FastifyReply) => {
    app.post(path, async (request, reply) => {
      const injected = state.failures.shift();
      if (injected !== undefined) return reply.code(injected).send(INJECTED_BODIES[injected]);
      const parsed = readJsonBody(request.headers['content-type'], request.body);
      return parsed.ok ? handle(parsed.json, reply) : fail(reply, parsed.error);
    });
  };
  const single = (kind: 'email' | 'template') => (json: unknown, reply: FastifyReply) => {
    const outcome = acceptMessage(json, kind, state.inactive);
    return outcome.ok ? reply.send(commit(outcome.message)) : fail(reply, outcome.error);
  };

  sendRoute('/email', single('email'));
  sendRoute('/email/withTemplate', single('template'));
  sendRoute('/email/batch', (json, reply) => {
    if (!Array.isArray(json)) {
      return fail(reply, { ErrorCode: 403, Message: 'Incompatible JSON: a batch must be a JSON array of messages.' });
    }
    if (json.length > MAX_BATCH) {
      return fail(reply, { ErrorCode: 410, Message: `Too many batch messages: at most ${MAX_BATCH} messages per request.` });
    }
    return reply.send(
      json.map((item) => {
        const outcome = acceptMessage(item, 'email', state.inactive);
        return outcome.ok ? commit(outcome.message) : outcome.error;
      }),
    );
  });
}

/** Starts a local HTTP server that answers the Postmark sending and message-retrieval endpoints the way Postmark does. */
export async function startFakePostmark(options: FakePostmarkOptions): Promise<FakePostmark> {
  if (options.serverToken.trim() === '') throw new Error('fake Postmark needs a non-empty server token');
  const state: FakeState = { messages: [], inactive: new Set(), failures: [] };
  const faults = new FaultInjector(options.faults);

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 50 * 1024 * 1024 });
  guardRequests(app, options.serverToken.trim().toLowerCase());
  injectFaults(app, faults, FAULT_ANSWERS, (request) => !isFaultControl(request));
  registerFaultControl(app, faults, (message) => invalidRequest(message));
  sendRoutes(app, state);
  app.get('/messages/outbound', async (request, reply) => {
    const result = searchOutbound(state.messages, request.url);
    return isError(result) ? reply.code(422).send(result) : reply.send(result);
  });
  app.get<{ Params: { id: string } }>('/messages/outbound/:id/details', async (request, reply) => {
    const message = state.messages.find((m) => m.MessageID === request.params.id);
    if (!message) return reply.code(422).send({ ErrorCode: 701, Message: 'This message was not found.' });
    return reply.send(messageDetails(message));
  });

  const bounce = async (email: string, type: FakeBounceType = 'HardBounce'): Promise<number> => {
    const address = email.trim().toLowerCase();
    const message = state.messages.findLast((m) => m.To.toLowerCase().includes(address));
    if (!message) throw new RangeError(`no message was sent to ${email}`);
    if (!options.webhook) throw new RangeError('the fake Postmark has no webhook URL to report the bounce to');
    if (type !== 'SoftBounce') state.inactive.add(address);
    const response = await fetch(options.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: webhookAuthorization(options.webhook.secret) },
      body: JSON.stringify(bounceWebhook(message, address, type)),
    });
    return response.status;
  };
  app.post('/__bounces', async (request, reply) => {
    const read = readJsonBody(request.headers['content-type'], request.body);
    if (!read.ok) return reply.code(422).send(read.error);
    const body = read.json as { email?: unknown; type?: unknown } | null;
    const type = body?.type ?? 'HardBounce';
    if (typeof body?.email !== 'string' || typeof type !== 'string' || !(type in BOUNCE_TYPES)) {
      return reply.code(422).send(invalidRequest('Send { "email": "…", "type": "HardBounce" | "SoftBounce" | "SpamComplaint" }.'));
    }
    try {
      return reply.send({ delivered: await bounce(body.email, type as FakeBounceType) });
    } catch (error) {
      return reply.code(422).send(invalidRequest(error instanceof Error ? error.message : String(error)));
    }
  });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const authority = `${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;

  return {
    url: `http://${authority}`,
    host: authority,
    close: () => app.close(),
    sent: () => state.messages.map((m) => structuredClone(m)),
    failNext(count, status = 500) {
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`failNext count must be a non-negative integer, got ${count}`);
      for (let i = 0; i < count; i += 1) state.failures.push(status);
    },
    markInactive(email) {
      state.inactive.add(email.trim().toLowerCase());
    },
    reset() {
      state.messages.length = 0;
      state.inactive.clear();
      state.failures.length = 0;
    },
    setFaults: (change) => faults.change(change),
    faults: () => faults.report(),
    bounce,
  };
}
