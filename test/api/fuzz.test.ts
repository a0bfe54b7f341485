import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Site, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { responseViolations } from '../helpers/response-contract.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// A fuzzer driven by the OpenAPI document: every route gets malformed, oversized, wrong-typed, NUL-laden and
// foreign-owner requests. None may answer 5xx, none may hand one owner another owner's resource, none may write.

type Schema = { type?: string | string[]; format?: string; properties?: Record<string, Schema>; required?: string[]; enum?: unknown[]; const?: unknown; anyOf?: Schema[]; minimum?: number; pattern?: string };
type Operation = { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: Record<string, unknown>[] };
type Fixture = { token: string; siteId: string; slug: string; ticketId: string };
type Probe = { kind: 'malformed' | 'foreign'; method: string; url: string; headers: Record<string, string>; payload?: string };

let stack: TestStack;
let owner: Fixture;
let stranger: Fixture;

/**
 * Tables whose rows a refused request must leave exactly as they were. Not the rate-limit counters (they are meant to
 * count) nor the analytics tables: `/collect` takes anonymous beacons by design and writes them in batches after answering.
 */
async function checksum(): Promise<string> {
  const connection = stack.api.orm.em.getConnection();
  const tables = await connection.execute<{ tablename: string }[]>(
    `select tablename from pg_tables where schemaname = 'public' and tablename not in ('mikro_orm_migrations', 'rate_limit_counters', 'visitor_sessions', 'analytics_events', 'analytics_hourly', 'analytics_hourly_dimensions', 'analytics_daily_dimensions') order by tablename`,
  );
  const sums: string[] = [];
  for (const { tablename } of tables) {
    const [row] = await connection.execute<{ n: string; sum: string | null }[]>(`select count(*) as n, md5(string_agg(t::text, '|' order by t::text)) as sum from "${tablename}" t`);
    sums.push(`${tablename}:${row?.n}:${row?.sum}`);
  }
  return sums.join('\n');
}

async function fixture(email: string, slug: string): Promise<Fixture> {
  const { token } = await signedInOwner(stack.api, email, [slug]);
  const siteId = (await stack.api.orm.em.fork().findOneOrFail(Site, { slug })).id;
  const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: { subject: 'Invoice', description: 'Where can I download the invoice for my last payment?' } });
  if (res.statusCode !== 201) throw new Error(`opening the fixture ticket failed: ${res.body}`);
  return { token, siteId, slug, ticketId: res.json<{ id: string }>().id };
}

beforeAll(async () => {
  stack = await startTestStack({ AI_CONFIDENCE_THRESHOLD: '1', TICKET_CREATE_MAX: '1000', LOGIN_MAX_PER_IP: '100000' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  owner = await fixture('owner-a@example.com', 'plumber-joe');
  stranger = await fixture('owner-b@example.com', 'roofer-bob');
  // Let both tickets' workflows finish their first writes (triage) before taking the "before" picture.
  const deadline = Date.now() + 30_000;
  while (!(await stack.api.orm.em.fork().find(SupportTicket, {})).every((t) => t.status === 'awaiting_agent')) {
    if (Date.now() > deadline) throw new Error('the tickets were not triaged in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 120_000);
afterAll(() => stack.stop());

/** A value the schema accepts, for the parts of a request that are not under test. */
function sample(schema: Schema | undefined, name: string, who: Fixture): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], name, who);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object') {
    return Object.fromEntries((schema.required ?? []).map((key) => [key, sample(schema.properties?.[key], key, who)]));
  }
  if (type === 'integer' || type === 'number') return Math.max(1, schema.minimum ?? 1);
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (schema.format === 'email') return 'fuzz@example.com';
  if (schema.format === 'uuid' || /(^|_)id$|Id$/.test(name)) return name === 'id' ? who.ticketId : who.siteId;
  if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
  if (name === 'slug') return who.slug;
  return 'Fuzz text';
}

/** Values of the wrong type, or hostile text, for a field of this schema. */
function hostile(schema: Schema | undefined): unknown[] {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  const wrongType = type === 'string' || type === undefined ? [12345, true, { nested: 'object' }, ['array']] : ['not-a-number', 'a\u0000b'];
  return [...wrongType, 'nul\u0000inside', 'lone \ud800 surrogate', 'x'.repeat(100_000), null, -1e308];
}

function pathWith(template: string, params: Record<string, string>): string {
  // Values starting with "raw:" are sent as written (already percent-encoded, possibly not valid UTF-8).
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key] ?? 'x';
    return value.startsWith('raw:') ? value.slice(4) : encodeURIComponent(value);
  });
}

/** Own ids for each path parameter of a route, so only the part under test is wrong. */
function ownParams(who: Fixture): Record<string, string> {
  return { siteId: who.siteId, id: who.ticketId, slug: who.slug, page: 'set-password', name: 'claim.js' };
}

function probesFor(path: string, method: string, op: Operation): Probe[] {
  const probes: Probe[] = [];
  const scheme = Object.keys(op.security?.[0] ?? {})[0];
  const auth: Record<string, string> = scheme === 'bearer' ? { authorization: `Bearer ${owner.token}` } : scheme === 'admin' ? { authorization: `Bearer ${stack.api.config.auth.adminApiToken}` } : {};
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const own = ownParams(owner);
  const base = pathWith(path, own);
  const json = { 'content-type': 'application/json', ...auth };
  const validBody = bodySchema ? JSON.stringify(sample(bodySchema, 'body', owner)) : undefined;
  const add = (kind: Probe['kind'], url: string, payload?: string, headers: Record<string, string> = json) => probes.push({ kind, method, url, headers, ...(payload === undefined ? {} : { payload }) });

  for (const param of pathParams) {
    for (const value of ['nul\u0000', 'x'.repeat(5000), '-1', '../../etc/passwd', '%', '00000000-0000-0000-0000-000000000000', 'raw:lone%ED%A0%80', 'raw:%00', 'raw:%ZZ']) {
      add('malformed', pathWith(path, { ...own, [param.name]: value }), validBody === undefined ? undefined : '{"malformed":');
    }
  }
  for (const param of query) {
    for (const value of [...hostile(param.schema), "'; drop table customer_users; --"]) {
      add('malformed', `${base}?${new URLSearchParams({ [param.name]: typeof value === 'string' ? value : JSON.stringify(value) }).toString()}`, validBody === undefined ? undefined : '[]');
    }
  }
  if (query.length > 0) add('malformed', `${base}?unknown_param=%00`, validBody === undefined ? undefined : 'null');
  if (bodySchema) {
    for (const payload of ['{"malformed":', '[]', 'null', '"text"', '42', `{"x":"${'y'.repeat(300 * 1024)}"}`]) add('malformed', base, payload);
    add('malformed', base, '{"a":1}', { ...auth, 'content-type': 'text/plain' });
    for (const [key, schema] of Object.entries(bodySchema.properties ?? {})) {
      for (const value of hostile(schema)) {
        add('malformed', base, JSON.stringify({ ...(sample(bodySchema, 'body', owner) as object), [key]: value }));
      }
    }
  }
  // Another owner's resources, asked for with this owner's valid session and an otherwise valid request.
  if (scheme === 'bearer') {
    const foreignParams = ownParams(stranger);
    const touchesIds = pathParams.some((p) => p.name === 'siteId' || p.name === 'id');
    const foreignBody = bodySchema?.properties?.site_id ? JSON.stringify({ ...(sample(bodySchema, 'body', owner) as object), site_id: stranger.siteId }) : validBody;
    if (touchesIds) add('foreign', pathWith(path, { ...own, ...Object.fromEntries(pathParams.map((p) => [p.name, foreignParams[p.name]!])) }), foreignBody);
    if (query.some((q) => q.name === 'site_id')) add('foreign', `${base}?site_id=${stranger.siteId}`, foreignBody);
    if (bodySchema?.properties?.site_id) add('foreign', base, foreignBody);
  }
  return probes;
}

describe('fuzzing every route of the OpenAPI document', () => {
  it('never answers 5xx, never hands over another owner\'s resource and writes nothing', async () => {
    const document = stack.api.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    const probes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, op]) => probesFor(path, method.toUpperCase(), op)));
    const routes = Object.values(document.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(routes).toBeGreaterThan(40);

    const before = await checksum();
    const byClass: Record<string, number> = {};
    const failures: string[] = [];
    const strangerIds = [stranger.siteId, stranger.ticketId];
    for (const probe of probes) {
      const res = await stack.api.app.inject({ method: probe.method as 'GET', url: probe.url, headers: probe.headers, ...(probe.payload === undefined ? {} : { payload: probe.payload }) });
      const cls = `${Math.floor(res.statusCode / 100)}xx`;
      byClass[cls] = (byClass[cls] ?? 0) + 1;
      const label = `${probe.kind} ${probe.method} ${probe.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 160)}`;
      if (res.statusCode >= 500) failures.push(label);
      if (probe.kind === 'foreign' && res.statusCode < 300 && strangerIds.some((id) => res.body.includes(id))) failures.push(label);
      if (probe.kind === 'foreign' && res.statusCode < 300 && probe.method !== 'GET') failures.push(label);
    }
    const after = await checksum();
    console.log(`fuzz: ${routes} routes, ${probes.length} requests (${probes.filter((p) => p.kind === 'foreign').length} foreign-owner); by status: ${JSON.stringify(byClass)}`);
    expect(failures).toEqual([]);
    // Every answer, refusals included, is one the document declares, with the body it declares.
    expect(responseViolations(stack.api.app)).toEqual([]);
    expect(after.split('\n').filter((line) => !before.includes(line))).toEqual([]);
    expect(probes.length).toBeGreaterThan(500);
  }, 120_000);
});
