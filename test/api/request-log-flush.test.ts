import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';

// The request log is buffered (pino's asynchronous destination); a line must still reach stdout when no other
// request follows it, or an operator watching a quiet server would not see the request they just made.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let api: ChildProcess;
let url: string;
let stdout = '';

beforeAll(async () => {
  api = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/api-process.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), PUBLIC_BASE_URL: 'http://webmagic.test' },
  });
  api.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    api.once('message', (message) => resolve((message as { port: number }).port));
    api.once('exit', (code) => reject(new Error(`the API process exited with ${code}`)));
  });
  url = `http://127.0.0.1:${port}`;
}, 60_000);
afterAll(() => {
  if (api.connected) api.disconnect();
});

async function lineOf(requestId: string): Promise<string | undefined> {
  const until = Date.now() + 5000;
  const line = () => stdout.split('\n').find((l) => l.includes(`"reqId":"${requestId}"`));
  while (!line() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  return line();
}

it('writes the line of a lone request within a few seconds', async () => {
  const res = await fetch(`${url}/api/v1/health/live`, { headers: { 'x-request-id': 'lone-request-1' } });
  expect(res.status).toBe(200);
  expect(JSON.parse((await lineOf('lone-request-1')) ?? '{}')).toMatchObject({ msg: 'request', url: '/api/v1/health/live', status: 200 });
});

// Lines are batched; a process that dies must still write the ones it had logged.
it('writes the lines held back when the process crashes', async () => {
  const exited = new Promise<number | null>((resolve) => api.once('exit', resolve));
  const res = await fetch(`${url}/api/v1/health/live`, { headers: { 'x-request-id': 'before-crash-1' } });
  expect(res.status).toBe(200);
  api.send('crash');
  expect(await exited).toBe(1);
  expect(JSON.parse((await lineOf('before-crash-1')) ?? '{}')).toMatchObject({ msg: 'request', status: 200 });
});
