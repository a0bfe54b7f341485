import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimResult, openCheckout, pressCheckoutButton, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(() => stack.stop());

describe('claim workflow survives a worker killed with SIGKILL', () => {
  it('a worker killed right after adding the ownership is replaced, and the purchase completes exactly once', async () => {
    await stack.worker.stop();
    const { config } = stack;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/worker-process.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: config.database.url,
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        RECURRENTE_API_URL: config.recurrente.apiUrl,
        POSTMARK_API_HOST: config.postmark.apiHost,
        PUBLIC_BASE_URL: config.publicBaseUrl,
        WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        CRASH_AFTER: 'addOwnership',
      },
    });
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('worker-process ready') && resolve()));

    const siteId = await siteIdOf(stack, 'plumber-joe');
    await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', { email: 'killed@example.com', name: 'Killed Worker' }), 'pay');
    expect(await killed).toBe('SIGKILL');

    // The ownership row exists, but Temporal never heard back: the attempt times out and a new worker runs it again.
    await stack.restartWorker();
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  }, 90_000);
});
