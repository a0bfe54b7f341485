import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../dev/throwaway-database.js';
import { loadConfig } from '../../lib/config.js';
import { encryptedDataConverter } from '../../lib/temporal/codec.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { sendEmailWorkflow } from '../../workflows/send-email.js';
import { freePort } from '../helpers/ports.js';

/** The run command uses the development codec key; clients of its Temporal server need it too. */
const dataConverter = encryptedDataConverter(loadConfig({}).temporal.codecKeys);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let database: ThrowawayDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'webmagic-run-'));
let env: Record<string, string>;
let base: string;

/** Starts the run command and resolves once it prints that everything is up. */
async function startPlatform(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (output.includes('WebMagic is running')) {
        clearInterval(poll);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`run command exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function stopPlatform(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

beforeAll(async () => {
  database = await createThrowawayDatabase('webmagic_e2e', inject('databaseUrl'));
  const [port, temporalPort, uiPort, recurrentePort, postmarkPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
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
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: ROOT, env: { ...process.env, ...env, PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('PORT');
    expect(output).toContain('Invalid configuration');
  }, 60_000);
});
