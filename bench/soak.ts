/**
 * The soak: the API and the worker in processes of their own (each with `bench/soak-probe.ts` preloaded), on a
 * throwaway database and a Temporal dev server with its SQLite file in a temporary folder, the simulated Recurrente
 * and the fake Postmark in this process; a bounded mix of traffic (`soak-traffic.ts`) for SOAK_MINUTES. One line per
 * minute, then the report: memory at start, after the first minute (the plateau) and at the end, event-loop delay,
 * pool waits, the growth of every table and of the Temporal visibility store per 1 000 requests, and the money
 * invariants. Exits non-zero when an invariant fails, a table grows without an explanation, an answer is a 5xx other
 * than 503 or never comes, or memory grows past the plateau by more than the tolerance (the heaps of every isolate
 * after a full GC at the end, the RSS at its floor over the run's last third).
 *
 * Usage: npm run soak [-- --minutes=10 --rate=10]   (or SOAK_MINUTES, SOAK_RATE: actions per second)
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { CustomerSiteOwnership, CustomerUser, EmailMessage, Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/scripts/seed.js';
import { temporalCliPath } from '../dev/temporal-binaries.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { hashPassword } from '../lib/auth/passwords.js';
import { loadConfig, type AppConfig } from '../lib/config.js';
import { startFakePostmark } from '../lib/postmark/fake.js';
import { startFakeRecurrente } from '../lib/recurrente/fake.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { moneyViolations, workflowsWithoutTimer } from '../test/chaos/invariants.js';
import { freePort } from '../test/helpers/ports.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { cloneSites } from './seed-sites.js';
import type { ProbeReport } from './soak-probe.js';
import {
  bytes, DEFAULT_TOLERANCE, growthTable, memoryVerdict, PER_CACHED_WORKFLOW, tableGrowth, unexplainedGrowth, visibilityLine,
  type MemoryReading, type MemoryVerdict, type TableSizes, type VisibilitySize,
} from './soak-report.js';
import { scrapeApi, startProcess, stopProcess, tableSizes, visibility, workerCachedWorkflows, type Platform } from './soak-stack.js';
import { MIX, SoakTraffic, type SoakOwner } from './soak-traffic.js';

const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).flatMap((arg) => {
  const match = /^--([\w-]+)=(.*)$/.exec(arg);
  return match ? [[match[1]!, match[2]!]] : [];
}));
const MINUTES = Number(args.minutes ?? process.env.SOAK_MINUTES ?? 10);
const RATE = Number(args.rate ?? process.env.SOAK_RATE ?? 10);
if (!(MINUTES >= 2 && Number.isInteger(MINUTES)) || !(RATE > 0)) throw new Error('--minutes (SOAK_MINUTES) must be an integer of at least 2 and --rate (SOAK_RATE) a positive number of actions per second');
const OWNERS = 40;
const PASSWORD = 'Soak-owner-password-2026';
const SAMPLE_MS = 5000;

const DEMO_PAGES = ['la-plumbing-pros', 'plumber-joe', 'roofer-bob'];

/** What the soak reads at the start and once a minute. */
interface Reading {
  minute: number;
  requests: number;
  api: ProbeReport;
  worker: ProbeReport;
  apiScrape: Awaited<ReturnType<typeof scrapeApi>>;
  /** Workflows in the worker's sticky cache. */
  workerCache: number;
  tables: TableSizes;
  visibility: VisibilitySize;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) {
      if (!done(value)) console.log(`  (${what}: not reached within ${timeoutMs / 1000} s)`);
      return value;
    }
    await sleep(1000);
  }
}

/** Migrates and seeds: the demo sites, previews to buy, and owners of active sites (one each) with a password. */
async function seed(orm: MikroORM, config: AppConfig, forSaleCount: number): Promise<{ owners: Omit<SoakOwner, 'token'>[]; forSale: string[]; pages: string[] }> {
  await orm.migrator.up();
  await seedDemoSites(orm.em.fork(), config.pricing);
  const previews = await cloneSites(orm, 'plumber-joe', 'soak-preview', forSaleCount);
  const owned = await cloneSites(orm, 'la-plumbing-pros', 'soak-owned', OWNERS);
  await orm.em.getConnection().execute(`update sites set status = 'active', subscription_status = 'active' where slug like 'soak-owned-%'`);
  const em = orm.em.fork();
  const passwordHash = await hashPassword(PASSWORD);
  const owners = owned.map((site, i) => {
    const email = `owner${i + 1}@example.com`;
    const customer = em.create(CustomerUser, { email, passwordHash, fullName: `Soak Owner ${i + 1}`, emailVerifiedAt: new Date() });
    const ref = em.getReference(Site, site.id);
    em.create(CustomerSiteOwnership, { customer, site: ref, role: 'owner', isPrimary: true, acquiredAt: new Date() });
    customer.primarySite = ref;
    return { email, siteId: site.id };
  });
  await em.flush();
  return { owners, forSale: previews.map((s) => s.slug), pages: [...DEMO_PAGES, ...owned.map((s) => s.slug), ...previews.slice(0, 100).map((s) => s.slug)] };
}

async function signIn(api: string, owners: Omit<SoakOwner, 'token'>[]): Promise<SoakOwner[]> {
  const signedIn: SoakOwner[] = [];
  for (const owner of owners) {
    const res = await fetch(`${api}/api/v1/customer/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: owner.email, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`login of ${owner.email} answered ${res.status}: ${await res.text()}`);
    signedIn.push({ ...owner, token: ((await res.json()) as { access_token: string }).access_token });
  }
  return signedIn;
}

const mb = (n: number) => (n / 2 ** 20).toFixed(1);

function minuteLine(r: Reading, paid: number, serverErrors: number): string {
  const dbBytes = Object.values(r.tables).reduce((sum, t) => sum + t.bytes, 0);
  return `min ${r.minute}: ${r.requests} req · API rss ${mb(r.api.rss)} MB heap ${mb(r.api.heapUsed)} MB loop p99 ${r.api.loopP99.toFixed(1)} ms · `
    + `worker rss ${mb(r.worker.rss)} MB (anonymous ${mb(r.worker.anonymous)}) heap ${mb(r.worker.heapUsed)} / ${mb(r.worker.heapTotal)} MB (new space ${mb(r.worker.newSpace)}) external ${mb(r.worker.external)} MB `
    + `workflow thread heap ${mb(r.worker.threadsHeapUsed)} / ${mb(r.worker.threadsHeapTotal)} MB (new space ${mb(r.worker.threadsNewSpace)}; ${r.worker.threads} thread${r.worker.threads === 1 ? '' : 's'}) loop p99 ${r.worker.loopP99.toFixed(1)} ms cached ${r.workerCache} · `
    + `pool waits API ${r.api.poolWaits} worker ${r.worker.poolWaits} · db ${bytes(dbBytes)} · workflows ${r.visibility.executions} (running ${r.visibility.running}) · paid ${paid} · 5xx ${serverErrors}`;
}

/** Everything the run has started. */
interface Soak {
  api: Platform;
  worker: Platform;
  traffic: SoakTraffic;
  read(minute: number): Promise<Reading>;
  /** Requests waiting for the API's pool, the highest of the 5-second samples of its metrics listener. */
  poolWaitingMax: number;
  apiMetrics: string;
}

/** Sends the traffic for MINUTES, reading every minute without pausing it; answers the readings (start, then per minute). */
async function drive(soak: Soak): Promise<Reading[]> {
  const readings = [await soak.read(0)];
  console.log(minuteLine(readings[0]!, 0, 0));
  const interval = 1000 / RATE;
  const started = performance.now();
  let [next, sampleAt, minuteAt, minute] = [started, started + SAMPLE_MS, started + 60_000, 1];
  let reading: Promise<void> = Promise.resolve();
  while (minute <= MINUTES) {
    const now = performance.now();
    // After a stall the mix resumes at its rate rather than catching up in a burst.
    next = Math.max(next, now - 1000);
    for (; next <= now; next += interval) soak.traffic.tick();
    if (now >= sampleAt) {
      sampleAt += SAMPLE_MS;
      void scrapeApi(soak.apiMetrics).then((s) => (soak.poolWaitingMax = Math.max(soak.poolWaitingMax, s.poolWaiting)), () => undefined);
    }
    if (now >= minuteAt) {
      const m = minute;
      reading = reading.then(() => soak.read(m)).then((r) => {
        readings.push(r);
        console.log(minuteLine(r, soak.traffic.paid.length, soak.traffic.serverErrorCount));
      });
      minute += 1;
      minuteAt += 60_000;
    }
    await sleep(Math.max(1, Math.min(next, sampleAt, minuteAt) - performance.now()));
  }
  await reading;
  return readings;
}

/** Waits for every paid purchase to finish, then checks the money invariants; answers the failures. */
async function checkInvariants(orm: MikroORM, client: Parameters<typeof workflowsWithoutTimer>[0], paid: string[], acceptedEmailKeys: () => string[]): Promise<string[]> {
  const em = () => orm.em.fork();
  await until('every paid site owned', () => em().count(CustomerSiteOwnership, { site: { slug: { $in: paid } } }), (n) => n === paid.length, 240_000);
  await until('every confirmation sent', () => em().count(EmailMessage, { template: 'purchase_confirmation', status: 'sent' }), (n) => n === paid.length, 120_000);
  // Checkouts asked for and never paid (abandoned, or answered 503 under load) stay open until they expire.
  const paidSiteIds = (await em().find(Site, { slug: { $in: paid } }, { fields: ['id'] })).map((s) => s.id);
  const openPaidClaims = async () => {
    let open = 0;
    for (const id of paidSiteIds) if ((await client.workflow.getHandle(workflowIds.claim(id)).describe()).status.name === 'RUNNING') open += 1;
    return open;
  };
  await until('no paid claim workflow open', openPaidClaims, (n) => n === 0, 120_000);
  const money = await moneyViolations({ em, acceptedEmailKeys }, paid);
  const stuck = await until('every open workflow on a timer', () => workflowsWithoutTimer(client), (s) => s.length === 0, 60_000);
  console.log(`money invariants over ${paid.length} paid purchases: ${money.length === 0 ? 'hold' : money.join('; ')}`);
  console.log(`running workflows without a timer: ${stuck.length === 0 ? 'none' : stuck.join(', ')}`);
  return [...money, ...stuck.map((id) => `${id} waits without a timer`)];
}

/** The worker's memory as judged: RSS, and the heap used of both its isolates (main thread and workflow thread) after their full GC. */
const workerMemory = (r: Reading): MemoryReading => ({ rss: r.worker.rss, heapUsed: r.worker.heapUsed + r.worker.threadsHeapUsed });

function memoryRows(readings: Reading[]): { lines: string[]; verdicts: [string, MemoryVerdict][] } {
  const [start, plateau, end] = [readings[0]!, readings[1]!, readings.at(-1)!];
  const later = readings.slice(2);
  const young = (p: ProbeReport) => p.newSpace + p.threadsNewSpace;
  /** How far a process's young generations grew past their size at the plateau, at their largest after it. */
  const youngGrowth = (pick: (r: Reading) => ProbeReport) => Math.max(0, ...later.map((r) => young(pick(r)))) - young(pick(plateau));
  const verdicts: [string, MemoryVerdict][] = [
    ['API', memoryVerdict(plateau.api, later.map((r) => r.api), { youngGeneration: youngGrowth((r) => r.api) })],
    ['worker', memoryVerdict(workerMemory(plateau), later.map(workerMemory), {
      cachedWorkflows: end.workerCache - plateau.workerCache, youngGeneration: youngGrowth((r) => r.worker),
    })],
  ];
  const row = (name: string, pick: (r: Reading) => MemoryReading, verdict?: MemoryVerdict) => {
    const [a, b, c] = [pick(start), pick(plateau), pick(end)];
    const growth = verdict
      ? `${bytes(verdict.heapGrowth)} / ${bytes(verdict.rssGrowth)} (limits ${bytes(verdict.heapLimit)} / ${bytes(verdict.rssLimit)}) ${verdict.ok ? 'ok' : 'TOO MUCH'}`
      : `${bytes(c.heapUsed - b.heapUsed)} / ${bytes(c.rss - b.rss)} (not judged: no forced GC)`;
    return `| ${name} | ${mb(a.rss)} / ${mb(a.heapUsed)} | ${mb(b.rss)} / ${mb(b.heapUsed)} | ${mb(c.rss)} / ${mb(c.heapUsed)} | ${growth} |`;
  };
  const perMinute = (pick: (r: Reading) => number) => readings.map((r) => mb(pick(r))).join(' → ');
  return {
    verdicts,
    lines: [
      '| process | start RSS / heap MB | after 1 min (plateau) | end | heap growth at the end / RSS growth at its floor of the last third |',
      '|---|---:|---:|---:|---|',
      row('API (probe, after full GC)', (r) => r.api, verdicts[0]![1]),
      row('API (its metrics listener)', (r) => r.apiScrape),
      row('worker (probe, both isolates after full GC)', workerMemory, verdicts[1]![1]),
      '',
      `Worker per minute, MB: RSS ${perMinute((r) => r.worker.rss)}; anonymous ${perMinute((r) => r.worker.anonymous)}; `
        + `main-thread heap used ${perMinute((r) => r.worker.heapUsed)}, reserved ${perMinute((r) => r.worker.heapTotal)}; `
        + `workflow thread heap used ${perMinute((r) => r.worker.threadsHeapUsed)}, reserved ${perMinute((r) => r.worker.threadsHeapTotal)} `
        + `(threads answering: ${readings.map((r) => r.worker.threads).join(', ')}).`,
      `Young generations (new space, all isolates) per minute, MB: API ${perMinute((r) => young(r.api))}; worker ${perMinute((r) => young(r.worker))}; `
        + `their growth past the plateau at their largest widens the RSS limit by as much (API ${bytes(Math.max(0, youngGrowth((r) => r.api)))}, worker ${bytes(Math.max(0, youngGrowth((r) => r.worker)))}).`,
      `Worker sticky cache: ${start.workerCache} → ${plateau.workerCache} → ${end.workerCache} workflows; each one more after the plateau widens the worker's limits by `
        + `${bytes(PER_CACHED_WORKFLOW.heapUsed)} of heap and ${bytes(PER_CACHED_WORKFLOW.rss)} of RSS.`,
    ],
  };
}

/** Prints the report; answers the failures it found. */
function report(soak: Soak, readings: Reading[], requests: number, invariantFailures: string[]): string[] {
  const [start, end] = [readings[0]!, readings.at(-1)!];
  const { lines, verdicts } = memoryRows(readings);
  const growth = tableGrowth(start.tables, end.tables, requests);
  const loopMax = (pick: (r: Reading) => ProbeReport) => Math.max(...readings.slice(1).map((r) => pick(r).loopP99)).toFixed(1);
  const pool = (p: ProbeReport) => `${p.poolWaits} of ${p.poolAcquires} connection requests waited (total ${p.poolWaitMsTotal.toFixed(0)} ms, longest ${p.poolWaitMsMax.toFixed(0)} ms)`;
  const answers = Object.entries(soak.traffic.answers).map(([action, counts]) => `${action} ${JSON.stringify(counts)}`).join('; ');
  console.log([
    '', `## Soak report: ${MINUTES} min at ${RATE} actions/s (mix: ${MIX.map(([a, s]) => `${a} ${Math.round(s * 1000) / 10} %`).join(', ')})`, '',
    `Requests to the API: ${requests} (${soak.traffic.requests} sent by the soak, the rest webhook deliveries of the simulated provider); actions skipped at ${soak.traffic.maxInFlight} in flight: ${soak.traffic.skipped}`,
    `Answers by action and status: ${answers}`, '',
    ...lines,
    `Tolerance past the plateau: heap ${DEFAULT_TOLERANCE.heapShare * 100} % of the plateau + ${bytes(DEFAULT_TOLERANCE.heapBytes)}, RSS ${DEFAULT_TOLERANCE.rssShare * 100} % + ${bytes(DEFAULT_TOLERANCE.rssBytes)}.`, '',
    `Event-loop delay p99: API ${end.api.loopP99Run.toFixed(1)} ms over the run (worst minute ${loopMax((r) => r.api)} ms; metrics listener at the end ${end.apiScrape.loopP99.toFixed(1)} ms), `
      + `worker ${end.worker.loopP99Run.toFixed(1)} ms (worst minute ${loopMax((r) => r.worker)} ms)`,
    `Database pool waits: API ${pool(end.api)}; worker ${pool(end.worker)}; API metrics gauge, most requests waiting in a 5-s sample: ${soak.poolWaitingMax}`, '',
    `Growth per 1000 requests (${requests} requests):`, '',
    ...growthTable(growth), '',
    visibilityLine(start.visibility, end.visibility, requests),
  ].join('\n'));
  if (soak.traffic.serverErrors.length > 0) {
    console.log(`\n${soak.traffic.serverErrorCount} 5xx answers (503 is the API's answer when Temporal does not answer within TEMPORAL_RPC_TIMEOUT); the first ones:\n- ${soak.traffic.serverErrors.join('\n- ')}`);
  }
  return [
    ...invariantFailures,
    ...verdicts.filter(([, v]) => !v.ok).map(([name]) => `${name} memory grew past the plateau beyond the tolerance`),
    ...unexplainedGrowth(growth).map((table) => `${table} grew and nothing explains why`),
    ...soak.traffic.failures,
  ];
}

/** The settings of the API and worker processes: a throwaway database, the soak's own ports, limits no soak reaches. */
async function platformEnv(databaseUrl: string, temporalAddress: string, postmarkHost: string): Promise<Record<string, string>> {
  const [apiPort, apiMetricsPort, workerMetricsPort, recurrentePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  return {
    NODE_ENV: 'development', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: 'soak',
    PORT: String(apiPort), API_METRICS_PORT: String(apiMetricsPort), WORKER_METRICS_PORT: String(workerMetricsPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`, RECURRENTE_API_URL: `http://127.0.0.1:${recurrentePort}/api`, POSTMARK_API_HOST: postmarkHost,
    // Visitors come from a few thousand addresses (X-Forwarded-For); every purchase from this machine.
    TRUST_PROXY: 'true', PURCHASE_MAX_OPEN_PER_IP: '1000000',
  };
}

/** The Temporal dev server; the SDK gives it 5 s to answer, which a loaded machine can miss, so it is tried three times. */
async function startTemporal(sqlite: string): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: temporalCliPath() }, dbFilename: sqlite, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'never' } },
      });
    } catch (error) {
      if (attempt === 3) throw error;
      console.log(`Temporal dev server did not start (${String(error).slice(0, 120)}…); trying again`);
    }
  }
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'webmagic-soak-'));
  const sqlite = join(dir, 'temporal.sqlite');
  const closers: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const database = await createThrowawayDatabase('webmagic_soak');
    closers.unshift(() => database.drop());
    const temporal = await startTemporal(sqlite);
    closers.unshift(() => temporal.teardown());
    const postmark = await startFakePostmark({ port: 0, serverToken: 'POSTMARK_API_TEST' });
    closers.unshift(() => postmark.close());
    const env = await platformEnv(database.url, temporal.address, postmark.host);
    const config = loadConfig(env);
    const orm = await openOrm(config.database);
    closers.unshift(() => orm.close());
    const site = await seed(orm, config, Math.ceil(MINUTES * 60 * RATE * 0.03 * 1.5) + 10);
    const api = config.publicBaseUrl;
    const recurrente = await startFakeRecurrente({
      host: '127.0.0.1', port: Number(new URL(config.recurrente.apiUrl).port), publicBaseUrl: new URL(config.recurrente.apiUrl).origin,
      webhookUrl: `${api}/api/v1/webhooks/recurrente`, webhookSecret: config.recurrente.webhookSecret, publicKey: config.recurrente.publicKey, secretKey: config.recurrente.secretKey,
    });
    closers.unshift(() => recurrente.close());
    recurrente.setDeliveryMode({ duplicate: 2 });
    const log = createWriteStream(join(tmpdir(), `webmagic-soak-${process.pid}.log`));
    console.log(`API and worker output: ${log.path as string}`);
    const worker = await startProcess('worker', 'worker/main.ts', env, log, 'worker polling task queue');
    closers.unshift(() => stopProcess(worker.child));
    const apiProcess = await startProcess('API', 'api/main.ts', env, log, '');
    closers.unshift(() => stopProcess(apiProcess.child));
    await until('API ready', async () => (await fetch(`${api}/api/v1/health/ready`).catch(() => null))?.ok ?? false, (ok) => ok, 120_000);
    const client = createTemporalClient(config.temporal);
    closers.unshift(() => client.connection.close());
    const traffic = new SoakTraffic({ api, recurrente, webhookSecret: config.recurrente.webhookSecret, password: PASSWORD, owners: await signIn(api, site.owners), forSale: site.forSale, pages: site.pages });
    const apiMetrics = `http://127.0.0.1:${env.API_METRICS_PORT}/metrics`;
    const soak: Soak = {
      api: apiProcess, worker, traffic, poolWaitingMax: 0, apiMetrics,
      read: async (minute) => ({
        minute, requests: traffic.requests + recurrente.deliveries().length, api: await apiProcess.ask(), worker: await worker.ask(),
        apiScrape: await scrapeApi(apiMetrics), workerCache: await workerCachedWorkflows(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`), tables: await tableSizes(orm), visibility: await visibility(client, sqlite),
      }),
    };
    const readings = await drive(soak);
    await traffic.drain();
    console.log(`traffic stopped; waiting for ${traffic.paid.length} purchases to finish`);
    const invariants = await checkInvariants(orm, client, traffic.paid, () => postmark.sent().map((m) => m.Metadata.idempotency_key ?? ''));
    const failures = report(soak, readings, readings.at(-1)!.requests, invariants);
    console.log(failures.length === 0 ? '\nsoak passed' : `\nsoak FAILED:\n- ${failures.join('\n- ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    for (const close of closers) await close().catch((error: unknown) => console.error(error));
  }
}

process.exitCode = await main();
