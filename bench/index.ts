/**
 * Every performance pair in one run, printed as one table: the real API (its own process, default log level) against
 * a bare baseline (its own process) doing the same work with plain Fastify, `pg` and `jose`. autocannon drives both
 * from this process; each pair runs three alternating rounds and the median round is shown. Also measures the time
 * from a webhook's 2xx to the signal reaching its workflow (Temporal history), with a Temporal dev server up; then,
 * with real workers, claims per second end to end against bare workflows doing the same writes (`claims.ts`), and
 * worker memory per cached workflow with idle subscriptions against the same worker with an empty cache
 * (`worker-memory.ts`).
 *
 * Usage (creates and drops its own database on the machine's PostgreSQL, starts its own Temporal dev server):
 *   npm run bench [-- --seconds=3 --connections=10]
 *   BENCH_CLAIMS=60 (claims per side), BENCH_IDLE_SUBSCRIPTIONS=10000 (cached subscription workflows)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import autocannon, { type Options, type Request } from 'autocannon';
import { CustomerSiteOwnership, CustomerUser, Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/scripts/seed.js';
import { temporalCliPath } from '../dev/temporal-binaries.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { hashPassword } from '../lib/auth/passwords.js';
import { loadConfig } from '../lib/config.js';
import { startFakePostmark } from '../lib/postmark/fake.js';
import { startFakeRecurrente } from '../lib/recurrente/fake.js';
import { signWebhook } from '../lib/recurrente/signature.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { decodePayloads } from '../test/helpers/history.js';
import { freePort } from '../test/helpers/ports.js';
import { createActivityDeps, createWorker, WORKFLOWS_PATH } from '../worker/worker.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { baselineClaims, endToEndClaims } from './claims.js';
import { cloneSites } from './seed-sites.js';
import { percentile } from './stats.js';
import { measureWorkerMemory, SETTLE_LIMIT_MS } from './worker-memory.js';

const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).flatMap((arg) => {
  const match = /^--([\w-]+)=(.*)$/.exec(arg);
  return match ? [[match[1]!, match[2]!]] : [];
}));
const SECONDS = Number(args.seconds ?? 3);
const CONNECTIONS = Number(args.connections ?? 10);
const ROUNDS = 3;
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 60);
const CLAIM_CONCURRENCY = 8;
const IDLE_SUBSCRIPTIONS = Number(process.env.BENCH_IDLE_SUBSCRIPTIONS ?? 10_000);
if (![CLAIMS, IDLE_SUBSCRIPTIONS].every((n) => Number.isInteger(n) && n > 0)) throw new Error('BENCH_CLAIMS and BENCH_IDLE_SUBSCRIPTIONS must be positive integers');
const benchStarted = performance.now();
const EMAIL = 'bench-owner@webmagic.invalid';
const BENCH_PASSWORD = 'Bench-password-2024';
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const cores = availableParallelism();

/** Starts a bench server in its own process, pinned to the last core when there are two or more. */
async function startServer(kind: 'app' | 'bare' | 'obliged', env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
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
  if (wrong > 0 || result.errors > 0) throw new Error(`${options.url}: ${wrong} answers other than ${expectStatus} (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const median = (rounds: Round[]): Round => [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;

/** One line of the table, formatted: values carry their unit (req/s, claims/s, MB). */
interface Row { route: string; app: string; baseline: string; base: string; ratio: string; appLatency: string; baseLatency: string }
const rows: Row[] = [];
const latency = (r: { p50: number; p99: number }) => `${r.p50} / ${r.p99}`;

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
  const [a, b] = [median(appRounds), median(baseRounds)];
  rows.push({ route, app: `${a.rps.toFixed(0)} req/s`, baseline, base: `${b.rps.toFixed(0)} req/s`, ratio: (a.rps / b.rps).toFixed(2), appLatency: latency(a), baseLatency: latency(b) });
  process.stderr.write(`  ${route}: done\n`);
}

function printTable(extra: string[]): void {
  const lines = [
    '| route | app | baseline | baseline value | ratio | app p50 / p99 ms | baseline p50 / p99 ms |',
    '|---|---:|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.route} | ${r.app} | ${r.baseline} | ${r.base} | ${r.ratio} | ${r.appLatency} | ${r.baseLatency} |`),
  ];
  console.log(`\n${SECONDS} s per round, ${ROUNDS} alternating rounds, median; ${CONNECTIONS} connections; HTTP servers pinned to core ${cores - 1} of ${cores}\n`);
  console.log([...lines, '', ...extra].join('\n'));
}

const database = await createThrowawayDatabase('webmagic_bench');
// Before the dev server (which instantiates the runtime): the workers below log warnings only.
Runtime.install({ logger: new DefaultLogger('WARN') });
const temporal = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
});
// The load generator keeps off the HTTP servers' core; the Temporal dev server, started before, may use every core.
const pin = (cpus: string) => {
  if (cores >= 2) execFileSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { stdio: 'ignore' });
};
pin(`0-${cores - 2}`);
// The simulated Recurrente listens on a port chosen now, so the API can be told its URL before either starts.
const recurrentePort = await freePort();
const postmark = await startFakePostmark({ port: 0, serverToken: 'POSTMARK_API_TEST' });
const env: Record<string, string> = {
  NODE_ENV: 'development',
  RECURRENTE_API_URL: `http://127.0.0.1:${recurrentePort}/api`,
  POSTMARK_API_HOST: postmark.host,
  PURCHASE_MAX_OPEN_PER_IP: '1000000000',
  LOG_LEVEL: 'info',
  DATABASE_URL: database.url,
  TEMPORAL_ADDRESS: temporal.address,
  TEMPORAL_TASK_QUEUE: 'bench',
  PUBLIC_BASE_URL: 'http://webmagic.test',
  LOGIN_MAX_PER_IP: '1000000000',
  LOGIN_MAX_PER_EMAIL: '1000000000',
};
const config = loadConfig(env);
const orm = await openOrm(config.database);
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
const bundlePath = join(tmpdir(), `webmagic-bench-bundle-${process.pid}.js`);

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
  const obliged = await startServer('obliged', env);
  const unmetered = await startServer('app', { ...env, API_METRICS_PORT: '0' });
  children.push(app.child, bare.child, obliged.child, unmetered.child);

  const login = await fetch(`${app.url}/api/v1/customer/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: BENCH_PASSWORD }) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const [appPage, barePage] = await Promise.all([fetch(`${app.url}/sites/plumber-joe`), fetch(`${bare.url}/sites/plumber-joe`)]);
  const etag = appPage.headers.get('etag') ?? '';
  const samePage = (await appPage.text()) === (await barePage.text()) && etag === barePage.headers.get('etag');

  await pair('GET /api/v1/health/live', 'Fastify hello', { url: `${app.url}/api/v1/health/live` }, { url: `${bare.url}/hello` });
  await pair('same', 'Fastify hello + same headers and request line', { url: `${app.url}/api/v1/health/live` }, { url: `${obliged.url}/api/v1/hello` });
  await pair('same (request metrics on)', 'the same app, request metrics off', { url: `${app.url}/api/v1/health/live` }, { url: `${unmetered.url}/api/v1/health/live` });
  await pair('GET /sites/plumber-joe (cached)', 'Fastify hello', { url: `${app.url}/sites/plumber-joe` }, { url: `${bare.url}/hello` });
  await pair('same', 'Fastify hello + same headers and request line', { url: `${app.url}/sites/plumber-joe` }, { url: `${obliged.url}/hello` });
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
  // Payloads in the history are encrypted: a client with the API's codec reads them.
  const client = createTemporalClient(config.temporal);
  closers.push(() => client.connection.close());
  const lags: number[] = [];
  const signalled = [...new Set([...answered.values()].map((a) => a.workflowId))];
  for (const workflowId of signalled) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const entry of history.events ?? []) {
      const payload = entry.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0];
      if (!payload || !entry.eventTime) continue;
      const [signal] = await decodePayloads<{ eventId: string }>(client, [payload]);
      const sent = signal && answered.get(signal.eventId);
      if (sent) lags.push(Number(entry.eventTime.seconds) * 1000 + Math.floor((entry.eventTime.nanos ?? 0) / 1e6) - sent.at);
    }
  }
  lags.sort((a, b) => a - b);
  // Those claim workflows were only signalled to time the signal; the claims below start with none of them open.
  await Promise.all(signalled.map((id) => client.workflow.getHandle(id).terminate('latency measured')));

  // Claims end to end and the worker's memory run with real workers on the production bundle (built once), on every core.
  pin(`0-${cores - 1}`);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const baselineBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./claim-baseline-workflow.ts', import.meta.url)), logger: new DefaultLogger('WARN') });
  writeFileSync(bundlePath, code);
  const recurrente = await startFakeRecurrente({
    port: recurrentePort, webhookUrl: `${app.url}/api/v1/webhooks/recurrente`, webhookSecret: config.recurrente.webhookSecret,
    publicKey: config.recurrente.publicKey, secretKey: config.recurrente.secretKey,
  });
  closers.push(() => recurrente.close());
  const connection = await NativeConnection.connect({ address: temporal.address });
  const deps = createActivityDeps(config, orm);
  const workers = [
    await createWorker(deps, connection, { workflowBundle: { code } }),
    await createWorker(deps, connection, { workflowBundle: { code: baselineBundle.code }, taskQueue: 'bench-baseline' }),
  ];
  const running = workers.map((worker) => worker.run());
  closers.push(async () => {
    workers.forEach((worker) => worker.shutdown());
    await Promise.all(running);
    await connection.close();
  });
  const claimSites = await cloneSites(orm, 'plumber-joe', 'claim-bench', 2 * CLAIMS);
  const e2e = await endToEndClaims(app.url, client, claimSites.slice(0, CLAIMS), CLAIM_CONCURRENCY);
  const base = await baselineClaims(client, 'bench-baseline', config.publicBaseUrl, claimSites.slice(CLAIMS), CLAIM_CONCURRENCY);
  rows.push({
    route: `claims end to end, purchase → owned (${CLAIMS}, ${CLAIM_CONCURRENCY} at a time)`,
    app: `${e2e.perSecond.toFixed(1)} claims/s`,
    baseline: 'bare workflow, same activities',
    base: `${base.perSecond.toFixed(1)} claims/s`,
    ratio: (e2e.perSecond / base.perSecond).toFixed(2),
    appLatency: latency(e2e),
    baseLatency: latency(base),
  });
  process.stderr.write('  claims end to end: done\n');

  const memory = await measureWorkerMemory({ orm, client, config, env, bundlePath, count: IDLE_SUBSCRIPTIONS });
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const perWorkflow = (key: 'rss' | 'heapUsed') => ((memory.after[key] - memory.before[key]) / Math.max(1, memory.cached) / 1024).toFixed(1);
  rows.push({
    route: `worker memory, ${memory.cached} of ${memory.count} idle subscriptions cached`,
    app: `RSS ${mb(memory.after.rss)}, heap ${mb(memory.after.heapUsed)}`,
    baseline: 'same worker, empty cache',
    base: `RSS ${mb(memory.before.rss)}, heap ${mb(memory.before.heapUsed)}`,
    ratio: (memory.after.rss / memory.before.rss).toFixed(2),
    appLatency: '–',
    baseLatency: '–',
  });
  process.stderr.write('  worker memory: done\n');

  printTable([
    `public page byte-identical to the baseline (body and ETag): ${samePage ? 'yes' : 'NO'}`,
    `webhook 2xx → signal in the workflow's history (${lags.length} of ${answered.size} claim payments, one at a time): p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms (negative: the signal was sent before the answer)`,
    `claims: completed claims per second over the whole run; p50 / p99 from the purchase request to the completed claim workflow (end to end) or to the completed bare workflow (baseline)`,
    `worker memory: ${memory.count} subscription workflows started (${IDLE_SUBSCRIPTIONS === 10_000 ? 'default' : 'BENCH_IDLE_SUBSCRIPTIONS'}), all started after ${memory.startSeconds.toFixed(0)} s, ${memory.cached} cached after ${memory.settleSeconds.toFixed(0)} s (waiting at most ${SETTLE_LIMIT_MS / 1000} s after the last start); per cached workflow ${perWorkflow('rss')} KB RSS, ${perWorkflow('heapUsed')} KB main-thread heap (workflow sandboxes live in worker threads: their heap counts in RSS only)`,
    `bench wall time: ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`,
  ]);
} finally {
  for (const child of children) child.kill('SIGTERM');
  for (const close of closers.reverse()) await close();
  await postmark.close();
  rmSync(bundlePath, { force: true });
  await orm.close();
  await temporal.teardown();
  await database.drop();
}
