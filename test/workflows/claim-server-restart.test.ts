import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { temporalCliPath } from '../../dev/temporal-binaries.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { claimResult, openCheckout, pressCheckoutButton, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'webmagic-temporal-'));
let port: number;
let server: TestWorkflowEnvironment;
let stack: TestStack;

/** A Temporal dev server of this file's own, persisting to a SQLite file so it can be restarted. */
function startServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      port,
      dbFilename: join(dir, 'temporal.sqlite'),
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
}

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  stack = await startTestStack({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(async () => {
  await stack.stop();
  await server.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('Temporal server restart in the middle of a claim', () => {
  it('keeps the open claim and completes it once the server is back', async () => {
    const siteId = await siteIdOf(stack, 'roofer-bob');
    const checkoutUrl = await openCheckout(stack, 'roofer-bob', { email: 'restart@example.com', name: 'Restart Test' });

    await stack.worker.stop();
    await server.teardown();
    server = await startServer();
    await stack.restartWorker();

    // The same claimant still gets the same checkout: the workflow and its state came back from the database.
    expect(await openCheckout(stack, 'roofer-bob', { email: 'restart@example.com', name: 'Restart Test' })).toBe(checkoutUrl);
    await pressCheckoutButton(checkoutUrl, 'pay');
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  }, 120_000);
});
