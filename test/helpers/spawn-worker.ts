import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestStack } from './stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A worker in a process of its own, on the stack's configuration; `polling` settles once it polls (or has exited). */
export interface WorkerProcess {
  child: ChildProcess;
  polling: Promise<void>;
}

/**
 * Starts `test/helpers/worker-process.ts` against the stack's database, Temporal, fakes and the run's workflow bundle,
 * so a test can kill it for real. `env` adds settings (CRASH_AFTER, client timeouts); `stderr` is shown or not.
 */
export function startWorkerProcess(
  stack: TestStack, workflowBundlePath: string, options: { env?: Record<string, string>; stderr?: 'inherit' | 'ignore' } = {},
): WorkerProcess {
  const { config } = stack;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/worker-process.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', options.stderr ?? 'ignore'],
    env: {
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: config.database.url, TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue, RECURRENTE_API_URL: config.recurrente.apiUrl, POSTMARK_API_HOST: config.postmark.apiHost,
      PUBLIC_BASE_URL: config.publicBaseUrl, WORKFLOW_BUNDLE: workflowBundlePath, CHECKOUT_EXPIRY: '10m', ...options.env,
    },
  });
  const polling = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker-process ready')) resolve();
    });
    child.once('exit', () => resolve());
  });
  return { child, polling };
}
