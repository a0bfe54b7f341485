import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimResult, openCheckout, pressCheckoutButton, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { startWorkerProcess } from '../helpers/spawn-worker.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

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
    const { child, polling } = startWorkerProcess(stack, inject('workflowBundlePath'), { env: { CRASH_AFTER: 'addOwnership' }, stderr: 'inherit' });
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await polling;

    const siteId = await siteIdOf(stack, 'plumber-joe');
    await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', { email: 'killed@example.com', name: 'Killed Worker' }), 'pay');
    expect(await killed).toBe('SIGKILL');

    // The ownership row exists, but Temporal never heard back: the attempt times out and a new worker runs it again.
    await stack.restartWorker();
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  }, 90_000);
});
