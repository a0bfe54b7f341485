import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PreviewListing, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { startWorkerProcess } from '../helpers/spawn-worker.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const LISTINGS = 30;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ PREVIEW_BATCH_CONCURRENCY: '4', PREVIEW_GENERATION_RATE: '100', PREVIEW_BATCH_CONTINUE_EVERY: '10' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});
afterAll(() => stack.stop());

describe('a preview batch survives a worker killed with SIGKILL', () => {
  it('a worker killed right after creating a preview is replaced, and every listing gets exactly one site', async () => {
    await stack.worker.stop();
    const { child, polling } = startWorkerProcess(stack, inject('workflowBundlePath'), { env: { CRASH_AFTER: 'processListing' }, stderr: 'inherit' });
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await polling;

    const listings = Array.from({ length: LISTINGS }, (_, i) => ({ name: `Killed Batch ${i}`, category: 'Roofer', address: `${i} Loma`, city: 'Xela', phone: `+502 4444-${String(2000 + i)}` }));
    const imported = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/preview-batches', headers: { authorization: 'Bearer dev-admin-token' }, payload: { name: 'Kill test', listings } });
    expect(imported.statusCode).toBe(201);
    const batchId = imported.json<{ batch_id: string }>().batch_id;
    expect(await killed).toBe('SIGKILL');

    // The first preview (and any the worker had in flight) exist, but Temporal never heard back: a new worker runs them again.
    await stack.restartWorker();
    const em = stack.api.orm.em.fork();
    await eventually(() => em.fork().count(PreviewListing, { batch: batchId, status: 'done' }), (n) => n === LISTINGS, 120_000);
    const rows = await em.fork().find(PreviewListing, { batch: batchId }, { populate: ['site'] });
    expect(new Set(rows.map((r) => r.site?.id)).size).toBe(LISTINGS);
    expect(await em.fork().count(Site, { title: { $like: 'Killed Batch %' } })).toBe(LISTINGS);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
  }, 180_000);
});
