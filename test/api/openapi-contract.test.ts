import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordProblems, TWO_KINDS_PATTERN } from '../../lib/auth/passwords.js';
import { EMAIL_PATTERN } from '../../lib/email-address.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { recordResponseViolations, responseViolations } from '../helpers/response-contract.js';

// The OpenAPI document states what the API enforces: a request the API refuses with 400 is one the document's schema
// refuses too; every status an operation answers is declared with its body; and every answer matches its declaration.

type Parameter = { in: string; name: string; required?: boolean; schema: object };
type Operation = { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: object }> }; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

let api: TestApi;
let document: Document;
let token: string;
let siteId: string;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  api = await createTestApi({ TLS_ASK_MAX_PER_MINUTE: '2', BOOKING_MIN_FILL_TIME: '1ms', LOGIN_MAX_PER_IP: '1000' }, { relay: false });
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  ({ token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']));
  siteId = (await api.app.inject({ method: 'GET', url: '/api/v1/customer/my-site', headers: { authorization: `Bearer ${token}` } })).json<{ site_id: string }>().site_id;
  document = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Document>();
});
afterAll(() => api.close());

function operation(method: string, path: string): Operation {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`the document has no ${method} ${path}`);
  return found;
}

/** Whether the document's schemas accept a request: its JSON body and the headers and query parameters it declares. */
function documentAccepts(method: string, path: string, request: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string> }): boolean {
  const op = operation(method, path);
  if (request.body === undefined ? op.requestBody?.required === true : !ajv.validate(op.requestBody!.content['application/json']!.schema, request.body)) return false;
  return (op.parameters ?? []).every((parameter) => {
    const given = parameter.in === 'header' ? request.headers?.[parameter.name] : parameter.in === 'query' ? request.query?.[parameter.name] : undefined;
    if (parameter.in !== 'header' && parameter.in !== 'query') return true;
    return given === undefined ? !parameter.required : ajv.validate(parameter.schema, given);
  });
}

interface Case {
  name: string;
  method: 'get' | 'post';
  path: string;
  url?: string;
  body?: () => unknown;
  headers?: Record<string, string>;
  signedIn?: boolean;
  error: string;
}

const weakPasswords = ['Short-1', 'alllowercaseletters', '12345678901234'];

const cases: Case[] = [
  ...weakPasswords.map((password): Case => ({
    name: `register with the weak password ${password}`, method: 'post', path: '/api/v1/customer/register', error: 'weak_password',
    body: () => ({ email: 'new@example.com', password, full_name: 'Ana' }),
  })),
  ...['reset-password', 'set-password'].map((route): Case => ({
    name: `${route} with a one-kind password`, method: 'post', path: `/api/v1/customer/${route}`, error: 'weak_password|invalid_token',
    body: () => ({ token: 'x'.repeat(43), password: 'alllowercaseletters' }),
  })),
  {
    name: 'verify-email with a NUL in the token', method: 'post', path: '/api/v1/customer/verify-email', error: 'invalid_text',
    body: () => ({ token: 'abc\u0000def', password: 'Some-password-1' }),
  },
  {
    name: 'refresh with an unknown session mode', method: 'post', path: '/api/v1/customer/refresh', error: 'validation_failed',
    headers: { 'x-webmagic-session': 'local-storage' }, body: () => ({ refresh_token: 'x'.repeat(43) }),
  },
  {
    name: 'purchase by an address whose local part is longer than 64 characters', method: 'post', path: '/api/v1/sites/{slug}/purchase',
    url: '/api/v1/sites/roofer-bob/purchase', error: 'validation_failed', body: () => ({ email: `${'a'.repeat(65)}@example.com`, name: 'Ana' }),
  },
  {
    name: 'a booking with neither email nor phone', method: 'post', path: '/api/v1/sites/{slug}/bookings', url: '/api/v1/sites/plumber-joe/bookings',
    error: 'contact_required', body: () => ({ name: 'Ana', message: 'Call me', form_token: formToken }),
  },
  {
    name: 'a ticket whose subject holds a NUL', method: 'post', path: '/api/v1/tickets/', signedIn: true, error: 'invalid_text',
    body: () => ({ subject: 'Invoice\u0000', description: 'Where can I download my invoice?' }),
  },
  ...['example.com:8080', '10.0.0.1', '*.example.com', 'localhost'].map((domain): Case => ({
    name: `connecting the domain ${domain}`, method: 'post', path: '/api/v1/customer/sites/{siteId}/domain', signedIn: true,
    url: '/api/v1/customer/sites/:siteId/domain', error: '.+', body: () => ({ domain }),
  })),
  {
    name: 'a subscription status for a site id that is no UUID', method: 'get', path: '/api/v1/subscriptions/status', url: '/api/v1/subscriptions/status?site_id=plumber-joe',
    signedIn: true, error: 'validation_failed',
  },
];

let formToken = '';

describe('the document declares the constraints the API enforces', () => {
  beforeAll(async () => {
    formToken = (await api.app.inject({ method: 'GET', url: '/api/v1/sites/plumber-joe/bookings/form-token' })).json<{ token: string }>().token;
  });

  it.each(cases)('$name: refused by the API with 400 and by the document', async (c) => {
    const body = c.body?.();
    const headers = { ...c.headers, ...(c.signedIn ? { authorization: `Bearer ${token}` } : {}) };
    const url = (c.url ?? c.path).replace(':siteId', siteId);
    const res = await api.app.inject({ method: c.method.toUpperCase() as 'GET' | 'POST', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: string }>().error).toMatch(new RegExp(`^(${c.error})$`));
    const query = Object.fromEntries(new URL(url, 'http://x').searchParams);
    expect(documentAccepts(c.method, c.path, { body, headers: c.headers, query })).toBe(false);
  });

  it('a refresh with an empty body is allowed by the document and answered 401, not 400', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/customer/refresh', payload: {} });
    expect(res.statusCode).toBe(401);
    expect(documentAccepts('post', '/api/v1/customer/refresh', { body: {} })).toBe(true);
  });

  it.each(['activate', 'cancel', 'reactivate'])('POST /subscriptions/%s takes no body, and the document says the body is optional', async (route) => {
    const res = await api.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${route}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).not.toBe(400);
    expect(operation('post', `/api/v1/subscriptions/${route}`).requestBody?.required).toBe(false);
  });

  it('states the password policy as the policy checks it', () => {
    const pattern = new RegExp(TWO_KINDS_PATTERN, 'u');
    for (const password of ['alllowercase', 'ALLUPPERCASE', '1234567890', '!!!!!!!!!!', '日本語の文字列です', 'lower-and-symbols', 'Upper9digits', 'ÉtéÀParis', 'ça-va-bien']) {
      const twoKinds = !passwordProblems(password.padEnd(10, password), 'x@example.com').some((p) => p.includes('two kinds'));
      expect(pattern.test(password), password).toBe(twoKinds);
    }
    const schema = operation('post', '/api/v1/customer/register').requestBody!.content['application/json']!.schema as { properties: Record<string, { minLength?: number; pattern?: string }> };
    expect(schema.properties.password).toMatchObject({ minLength: 10, pattern: TWO_KINDS_PATTERN });
    expect(schema.properties.email!.pattern).toBe(EMAIL_PATTERN);
  });
});

describe('every status an operation answers is declared with its error body', () => {
  const errorBody = { type: 'object', required: ['error', 'message'] };

  it('declares 400 and 503 everywhere, 413 and 415 with a body, 414 with a path parameter, 401 with a security scheme', () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        const expected = ['400', '503'];
        if (method !== 'get' && method !== 'head') expected.push('413', '415');
        if (/\{.+\}/.test(path)) expected.push('414');
        if ((op as { security?: unknown[] }).security?.length) expected.push('401');
        for (const status of expected) expect(op.responses[status], `${where} declares ${status}`).toBeDefined();
      }
    }
    expect(operation('get', '/api/v1/tickets/{id}').responses['414']!.content!['application/json']!.schema).toMatchObject(errorBody);
    expect(operation('get', '/api/v1/hosting/tls-ask').responses['503']!.content!['application/json']!.schema).toMatchObject(errorBody);
  });

  it('answers a path id that is no UUID with a declared 400', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/customer/sites/not-a-uuid/domain', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(400);
    expect(operation('get', '/api/v1/customer/sites/{siteId}/domain').responses['400']).toBeDefined();
  });

  it('answers a path parameter past 100 characters with a declared 414 and the usual error body', async () => {
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/tickets/${'a'.repeat(101)}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(414);
    expect(res.json<{ error: string; message: unknown }>()).toMatchObject({ error: 'uri_too_long' });
    expect(typeof res.json<{ message: unknown }>().message).toBe('string');
    expect(operation('get', '/api/v1/tickets/{id}').responses['414']).toBeDefined();
  });

  it('answers the TLS ask past its limit with a declared 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.app.inject({ method: 'GET', url: '/api/v1/hosting/tls-ask?domain=unknown.example.com' })).statusCode);
    expect(statuses).toContain(429);
    expect(operation('get', '/api/v1/hosting/tls-ask').responses['429']).toBeDefined();
  });

  it('answers with a declared 503 while Temporal is unreachable', { timeout: 60_000 }, async () => {
    const down = await createTestApi({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_RPC_TIMEOUT: '3s' }, { relay: false });
    try {
      const res = await down.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: { subject: 'Invoice', description: 'Where can I download my invoice?' } });
      expect(res.statusCode, res.body).toBe(503);
      expect(responseViolations(down.app)).toEqual([]);
    } finally {
      await down.close();
    }
  });
});

describe('every answer matches its declaration', () => {
  it('the checker catches an undeclared status and a body that does not match its schema', async () => {
    const app = Fastify();
    recordResponseViolations(app);
    const declaresOk: FastifySchema = { response: { 200: { type: 'object' } } };
    app.get('/teapot', { schema: declaresOk }, async (_request, reply) => reply.status(418).send({}));
    app.get('/shape', { schema: { response: { 200: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } } } }, async () => ({ id: 'not-a-uuid' }));
    await app.inject({ method: 'GET', url: '/teapot' });
    await app.inject({ method: 'GET', url: '/shape' });
    expect(responseViolations(app).map((v) => [v.route, v.status])).toEqual([['GET /teapot', 418], ['GET /shape', 200]]);
    await app.close();
  });

  it('every answer given in this file matched its route\'s declared responses', () => {
    expect(responseViolations(api.app)).toEqual([]);
  });
});
