/**
 * Every performance pair in one run, printed as one table: the real API (its own process, default log level) against
 * a bare baseline (its own process) doing the same work with plain Fastify, `pg` and `jose`. autocannon drives both
 * from this process; each pair runs three alternating rounds and the median round is shown. Also measures the time
 * from a webhook's 2xx to the signal reaching its workflow (Temporal history), with a Temporal dev server up.
 *
 * Usage (creates and drops its own database on the machine's PostgreSQL, starts its own Temporal dev server):
 *   npm run bench [-- --seconds=3 --connections=10]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import autocannon, { type Options, type Request } from 'autocannon';
import pg from 'pg';
import { CustomerSiteOwnership, CustomerUser, Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/seed.js';
import { temporalCliPath } from '../dev/temporal-binaries.js';
import { hashPassword } from '../lib/auth/passwords.js';
import { loadConfig } from '../lib/config.js';
import { signWebhook } from '../lib/recurrente/signature.js';
import { workflowIds } from '../workflows/ids.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { percentile } from './stats.js';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).flatMap((arg) => {
  const match = /^--([\w-]+)=(.*)$/.exec(arg);
  return match ? [[match[1]!, match[2]!]] : [];
}));
const SECONDS = Number(args.seconds ?? 3);
const CONNECTIONS = Number(args.connections ?? 10);
const ROUNDS = 3;
const EMAIL = 'bench-owner@webmagic.invalid';
const BENCH_PASSWORD = 'Bench-password-2024';
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const cores = availableParallelism();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** Starts a bench server in its own process, pinned to the last core when there are two or more. */
async function startServer(kind: 'app' | 'bare', env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const node = [process.execPath, '--import', 'tsx', SERVER, kind, BENCH_PASSWORD];
  const [command, ...rest] = cores >= 2 ? ['taskset', '-c', String(cores - 1), ...node] : node;
  const child = spawn(command!, rest, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

interface Round { rps: number; p50: number; p99: number }

async function round(options: Options, expectStatus: number): Promise<Round> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  const wrong = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) !== expectStatus).reduce((n, [, s]) => n + s.count, 0);
  if (wrong > 0 || result.errors > 0) throw new Error(`${options.url}: ${wrong} answers other than ${expectStatus}, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const median = (rounds: Round[]): Round => [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;

interface Row { route: string; app: Round; base: Round; baseline: string }
const rows: Row[] = [];

/** Three alternating rounds of the app and its baseline (after one short warm-up each); keeps the median of each. */
async function pair(route: string, baseline: string, app: Options, base: Options, expectStatus = 200, connections = CONNECTIONS): Promise<void> {
  await round({ ...app, duration: 1, connections }, expectStatus);
  await round({ ...base, duration: 1, connections }, expectStatus);
  const appRounds: Round[] = [];
  const baseRounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    appRounds.push(await round({ ...app, connections }, expectStatus));
    baseRounds.push(await round({ ...base, connections }, expectStatus));
  }
  rows.push({ route, app: median(appRounds), base: median(baseRounds), baseline });
  process.stderr.write(`  ${route}: done\n`);
}

function printTable(extra: string[]): void {
  const lines = [
    '| route | app req/s | baseline | baseline req/s | ratio | app p50 / p99 ms | baseline p50 / p99 ms |',
    '|---|---:|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.route} | ${r.app.rps.toFixed(0)} | ${r.baseline} | ${r.base.rps.toFixed(0)} | ${(r.app.rps / r.base.rps).toFixed(2)} | ${r.app.p50} / ${r.app.p99} | ${r.base.p50} / ${r.base.p99} |`),
  ];
  console.log(`\n${SECONDS} s per round, ${ROUNDS} alternating rounds, median; ${CONNECTIONS} connections; servers pinned to core ${cores - 1} of ${cores}\n`);
  console.log([...lines, '', ...extra].join('\n'));
}

const dbName = `webmagic_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${dbName}`);
const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
if (cores >= 2) execFileSync('taskset', ['-cp', `0-${cores - 2}`, String(process.pid)], { stdio: 'ignore' });
const temporal = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
});
const env: Record<string, string> = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'info',
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: temporal.address,
  TEMPORAL_TASK_QUEUE: 'bench',
  PUBLIC_BASE_URL: 'http://webmagic.test',
  LOGIN_MAX_PER_IP: '1000000000',
  LOGIN_MAX_PER_EMAIL: '1000000000',
};
const config = loadConfig(env);
const orm = await openOrm(config.database);
const children: ChildProcess[] = [];

try {
  await orm.migrator.up();
  const em = orm.em.fork();
  await seedDemoSites(em, config.pricing);
  const sites = await em.find(Site, {}, { orderBy: { slug: 'asc' } });
  const customer = em.create(CustomerUser, { email: EMAIL, passwordHash: await hashPassword(BENCH_PASSWORD), fullName: 'Bench Owner', emailVerifiedAt: new Date() });
  sites.slice(0, 2).forEach((site, i) => em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: i === 0, acquiredAt: new Date(Date.now() - (2 - i) * 60_000) }));
  await em.flush();

  const app = await startServer('app', env);
  const bare = await startServer('bare', env);
  children.push(app.child, bare.child);

  const login = await fetch(`${app.url}/api/v1/customer/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: BENCH_PASSWORD }) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const [appPage, barePage] = await Promise.all([fetch(`${app.url}/sites/plumber-joe`), fetch(`${bare.url}/sites/plumber-joe`)]);
  const etag = appPage.headers.get('etag') ?? '';
  const samePage = (await appPage.text()) === (await barePage.text()) && etag === barePage.headers.get('etag');

  await pair('GET /api/v1/health/live', 'Fastify hello', { url: `${app.url}/api/v1/health/live` }, { url: `${bare.url}/hello` });
  await pair('GET /sites/plumber-joe', 'Fastify + pg, same SQL and HTML', { url: `${app.url}/sites/plumber-joe` }, { url: `${bare.url}/sites/plumber-joe` });
  await pair('same, If-None-Match (304)', 'same, 304', { url: `${app.url}/sites/plumber-joe`, headers: { 'if-none-match': etag } }, { url: `${bare.url}/sites/plumber-joe`, headers: { 'if-none-match': etag } }, 304);
  const bearer = { authorization: `Bearer ${token}` };
  await pair('GET /api/v1/customer/my-sites', 'Fastify + pg + jose', { url: `${app.url}/api/v1/customer/my-sites`, headers: bearer }, { url: `${bare.url}/my-sites`, headers: bearer });

  const stored = (id: string) => JSON.stringify({ id: `pa_${id}`, event_type: 'intent.succeeded', checkout: { id: `ch_${id}`, status: 'paid', metadata: {} }, amount_in_cents: 49500, currency: 'USD', created_at: new Date().toISOString() });
  const signed = (path: string) => ({
    method: 'POST',
    path,
    setupRequest: (request: Request) => {
      const id = `msg_${randomUUID()}`;
      const body = stored(id);
      return { ...request, method: 'POST', body, headers: { 'content-type': 'application/json', ...signWebhook(config.recurrente.webhookSecret, id, new Date(), body) } };
    },
  });
  await pair('POST /api/v1/webhooks/recurrente (stored)', 'Fastify + one pg INSERT … ON CONFLICT', { url: app.url, requests: [signed('/api/v1/webhooks/recurrente')] }, { url: bare.url, requests: [signed('/insert')] });

  const credentials = JSON.stringify({ email: EMAIL, password: BENCH_PASSWORD });
  await pair('POST /api/v1/customer/login', 'Fastify + argon2id verify', { url: `${app.url}/api/v1/customer/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials }, { url: `${bare.url}/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials }, 200, 2);

  // 2xx → signal recorded in the workflow's history, one claim payment at a time (no worker: the signal is what is timed).
  const answered = new Map<string, { at: number; workflowId: string }>();
  for (let i = 0; i < 30; i += 1) {
    const site = sites[i % sites.length]!;
    const id = `msg_latency_${i}`;
    const body = JSON.stringify({
      id: `pa_lat_${i}`, event_type: 'payment_intent.succeeded', amount_in_cents: 49500, currency: 'USD', created_at: new Date().toISOString(),
      checkout: { id: `ch_lat_${i}`, status: 'paid', metadata: { purpose: 'claim', site_id: site.id, claim_email: `buyer${i}@example.com`, claim_name: 'Bench Buyer' } },
    });
    const res = await fetch(`${app.url}/api/v1/webhooks/recurrente`, { method: 'POST', headers: { 'content-type': 'application/json', ...signWebhook(config.recurrente.webhookSecret, id, new Date(), body) }, body });
    answered.set(id, { at: Date.now(), workflowId: workflowIds.claim(site.id) });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const lags: number[] = [];
  for (const workflowId of new Set([...answered.values()].map((a) => a.workflowId))) {
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    for (const entry of history.events ?? []) {
      const signal = entry.workflowExecutionSignaledEventAttributes;
      const payload = signal?.input?.payloads?.[0]?.data;
      if (!payload || !entry.eventTime) continue;
      const { eventId } = JSON.parse(Buffer.from(payload).toString('utf8')) as { eventId: string };
      const sent = answered.get(eventId);
      if (sent) lags.push(Number(entry.eventTime.seconds) * 1000 + Math.floor((entry.eventTime.nanos ?? 0) / 1e6) - sent.at);
    }
  }
  lags.sort((a, b) => a - b);
  printTable([
    `public page byte-identical to the baseline (body and ETag): ${samePage ? 'yes' : 'NO'}`,
    `webhook 2xx → signal in the workflow's history (${lags.length} of ${answered.size} claim payments, one at a time): p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms (negative: the signal was sent before the answer)`,
  ]);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await orm.close();
  await temporal.teardown();
  await admin(`drop database if exists ${dbName} with (force)`);
}
