import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { openOrm } from '../db/orm.js';
import { migrateAndSeed } from '../db/scripts/migrate-and-seed.js';
import { DEV_OPERATOR } from '../db/scripts/seed-operators.js';
import { loadConfig, type AppConfig } from '../lib/config.js';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/search-attributes.js';
import { startFakePostmark } from '../lib/postmark/fake.js';
import { startFakeRecurrente } from '../lib/recurrente/fake.js';
import { siteUrl } from '../lib/urls.js';
import { startLocalDnsServer, type LocalDnsServer } from '../lib/dns/local-server.js';
import { connectDemoDomain, DEMO_DOMAIN } from './demo-domain.js';
import { hostAndPort, isLocal, listenPorts, takenPortsSentence } from './listen-ports.js';
import { localPrometheusArgs } from './prometheus.js';
import { temporalCliPath } from './temporal-binaries.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const stops: (() => Promise<unknown>)[] = [];
const children = new Set<ChildProcess>();
// Last resort if the launcher dies without its orderly shutdown: leave no orphans behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  // Its own process group, so a terminal's Ctrl-C reaches only the launcher, which then stops children in order.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  stops.unshift(() => stopChild(child));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
}

async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  await connection.close();
  return true;
}

/** Starts the Temporal dev server (SQLite file under the data dir, so workflows survive a restart) unless it joins a running one. */
async function startTemporal(config: AppConfig, dataDir: string, joins: boolean): Promise<'started' | 'existing'> {
  if (joins) return 'existing';
  const { host: ip, port } = hostAndPort(config.temporal.address, 7233);
  if (!isLocal(ip)) throw new Error(`Temporal at ${config.temporal.address} does not answer`);
  mkdirSync(`${dataDir}/temporal`, { recursive: true });
  spawnChild('temporal', temporalCliPath(), [
    'server', 'start-dev',
    '--ip', ip, '--port', String(port), '--ui-port', String(config.temporal.uiPort),
    '--db-filename', `${dataDir}/temporal/dev.sqlite`,
    '--namespace', config.temporal.namespace,
    '--log-level', 'warn',
    '--ui-codec-endpoint', `${config.publicBaseUrl}/api/v1/codec`,
    ...SEARCH_ATTRIBUTE_FLAGS,
  ]);
  await waitFor('Temporal', () => temporalAnswers(config.temporal.address));
  return 'started';
}

/** Starts the local authoritative DNS server when DNS_SERVERS names a local address. */
async function startLocalDns(config: AppConfig): Promise<LocalDnsServer | null> {
  const [server] = config.dns.servers;
  if (!server || !isLocal(server)) return null;
  const dns = await startLocalDnsServer({ port: Number(server.split(':')[1] ?? 53), adminPort: config.dns.adminPort });
  stops.unshift(() => dns.close());
  return dns;
}

async function startFakes(config: AppConfig): Promise<void> {
  const recurrente = new URL(config.recurrente.apiUrl);
  if (isLocal(recurrente.host)) {
    const fake = await startFakeRecurrente({
      host: recurrente.hostname,
      port: Number(recurrente.port),
      publicBaseUrl: recurrente.origin,
      webhookUrl: `http://127.0.0.1:${config.http.port}/api/v1/webhooks/recurrente`,
      webhookSecret: config.recurrente.webhookSecret,
      publicKey: config.recurrente.publicKey,
      secretKey: config.recurrente.secretKey,
      faults: config.recurrente.fakeFaults,
    });
    stops.unshift(() => fake.close());
  }
  if (isLocal(config.postmark.apiHost)) {
    const [host, port] = config.postmark.apiHost.split(':');
    const fake = await startFakePostmark({
      host: host ?? '127.0.0.1', port: Number(port), serverToken: config.postmark.serverToken, faults: config.postmark.fakeFaults,
      webhook: { url: `http://127.0.0.1:${config.http.port}/api/v1/webhooks/postmark`, secret: config.postmark.webhookSecret },
    });
    stops.unshift(() => fake.close());
  }
}

let shuttingDown = false;
async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  if (stops.length > 0) console.log('\nstopping…');
  for (const stop of stops) await stop().catch((error: unknown) => console.error(error));
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

function metricsLine(config: AppConfig): string {
  const at = (port: number, what: string) => (port > 0 ? `http://${config.metrics.host}:${port}/metrics (${what})` : `(${what}: off)`);
  return `${at(config.metrics.apiPort, 'API')} · ${at(config.metrics.workerPort, 'worker')}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = resolve(ROOT, config.dataDir);
  // A Temporal server answering at a TEMPORAL_ADDRESS set on purpose is used; the default address is this stack's own.
  const joinsTemporal = config.temporal.addressGiven && (await temporalAnswers(config.temporal.address).catch(() => false));
  const taken = await takenPortsSentence(listenPorts(config, !joinsTemporal && isLocal(config.temporal.address)));
  if (taken) throw new Error(taken);
  if (config.database.embedded) {
    spawnChild('postgres', process.execPath, ['--import', 'tsx', 'dev/postgres-server.ts']);
    await waitFor('embedded PostgreSQL', async () => {
      const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: 1000 });
      await client.connect();
      await client.end();
      return true;
    }, 120_000);
  }
  const orm = await openOrm(config.database);
  const { applied, seeded } = await migrateAndSeed(orm, config.pricing);
  await orm.close();
  console.log(`database ready (migrations applied: ${applied.length}, demo sites created: ${seeded.length})`);

  const temporal = await startTemporal(config, dataDir, joinsTemporal);
  await startFakes(config);
  const dns = await startLocalDns(config);

  const env = { ...process.env, DATABASE_URL: config.database.url };
  spawnChild('worker', process.execPath, ['--import', 'tsx', 'worker/main.ts'], env);
  spawnChild('api', process.execPath, ['--import', 'tsx', 'api/main.ts'], env);
  if (config.prometheusPort > 0) spawnChild('prometheus', 'prometheus', localPrometheusArgs(config, `${dataDir}/prometheus`, config.prometheusPort));
  const base = `http://127.0.0.1:${config.http.port}`;
  await waitFor('API', async () => (await fetch(`${base}/api/v1/health/ready`)).ok);
  if (config.prometheusPort > 0) await waitFor('Prometheus', async () => (await fetch(`http://127.0.0.1:${config.prometheusPort}/-/ready`)).ok);
  const demoDomain = dns ? await connectDemoDomain(config, dns) : null;

  console.log(`
WebMagic is running — Ctrl-C stops everything.
  Home page      ${config.publicBaseUrl}/
  API            ${config.publicBaseUrl}/api/v1  (docs: ${config.publicBaseUrl}/api/docs)
  Demo sites     ${siteUrl(config, 'plumber-joe')}  ·  /sites/la-plumbing-pros  ·  /sites/roofer-bob
  Owner portal   ${config.publicBaseUrl}/account
  Agent console  ${config.publicBaseUrl}/console  (${DEV_OPERATOR.email} / ${DEV_OPERATOR.password})
  Temporal UI    ${temporal === 'started' ? `http://127.0.0.1:${config.temporal.uiPort}` : '(the already running Temporal server\'s own UI)'}
  Temporal gRPC  ${config.temporal.address}
  Metrics        ${metricsLine(config)}
  Prometheus     ${config.prometheusPort > 0 ? `http://127.0.0.1:${config.prometheusPort}  (alerts: http://127.0.0.1:${config.prometheusPort}/alerts)` : '(PROMETHEUS_PORT=0: none)'}
  Recurrente sim ${config.recurrente.apiUrl}  (faults: ${new URL(config.recurrente.apiUrl).origin}/__faults)
  Postmark fake  http://${config.postmark.apiHost}/messages/outbound  (header X-Postmark-Server-Token: ${config.postmark.serverToken === 'POSTMARK_API_TEST' ? 'POSTMARK_API_TEST' : '<your token>'}; faults: http://${config.postmark.apiHost}/__faults)
  Local DNS      ${dns ? `${dns.address} (records: ${dns.adminUrl}/records)` : '(DNS_SERVERS is not local)'}
  Custom domain  ${demoDomain ? `curl -H 'Host: ${DEMO_DOMAIN}' ${base}/   (plumber-joe, verified by the domain workflow)` : '-'}
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
