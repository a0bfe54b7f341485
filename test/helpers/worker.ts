import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker, type WorkerPlugin } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import type { AppConfig } from '../../lib/config.js';
import { startFakePostmark, type FakePostmark } from '../../lib/postmark/fake.js';
import { createActivities, createActivityDeps, createWorker, type ActivityDeps } from '../../worker/worker.js';
import { resetDatabase, testConfig } from './env.js';
import { withTestFaults } from './preview-generator.js';
import { createTimeSkippingEnv } from './time-skipping.js';

/** The activities object a worker runs; tests may wrap it to inject faults. */
export type Activities = ReturnType<typeof createActivities>;

/** The real activity dependencies, with the generator faults tests switch on (test/helpers/preview-generator.ts). */
export function testActivityDeps(config: AppConfig, orm: MikroORM): ActivityDeps {
  const deps = createActivityDeps(config, orm);
  return { ...deps, preview: withTestFaults(deps.preview) };
}

/** A real worker on the test's task queue. */
export interface TestWorker {
  worker: Worker;
  /** Stops the worker, waiting for in-flight tasks; calling it again waits for the same stop. */
  stop(): Promise<void>;
}

/**
 * Starts a worker polling `config.temporal.taskQueue` with the prebuilt workflow bundle and the real activities (optionally
 * wrapped); with `plugins` (tracing), it bundles the workflows itself, with the plugins' workflow interceptors.
 */
export async function startTestWorker(config: AppConfig, orm: MikroORM, wrap: (activities: Activities) => Activities = (a) => a, plugins?: WorkerPlugin[]): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const deps = testActivityDeps(config, orm);
  const activities = wrap(createActivities(deps));
  const worker = await createWorker(deps, connection, plugins ? { plugins, activities } : { workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    stop() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      })();
      return stopped;
    },
  };
}

/** A time-skipping test server with a worker on `taskQueue` running the real activities against the test database and a fake Postmark. */
export interface TimeSkippingWorker {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  postmark: FakePostmark;
  /** Empties the database, seeds the demo sites and forgets the sent mail. */
  reset(): Promise<void>;
  /** Stops the worker, then the server, fake Postmark and database connection. */
  stop(): Promise<void>;
}

/** Starts a `TimeSkippingWorker` with the prebuilt workflow bundle and the real activities (optionally wrapped), on the test configuration with `overrides`; a failed start stops what it started. */
export async function startTimeSkippingWorker(taskQueue: string, wrap: (activities: Activities) => Activities = (a) => a, overrides: Record<string, string> = {}): Promise<TimeSkippingWorker> {
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const env = await createTimeSkippingEnv();
    closers.push(() => env.teardown());
    const postmark = await startFakePostmark({ port: 0, serverToken: 'POSTMARK_API_TEST' });
    closers.push(() => postmark.close());
    const base = testConfig(overrides);
    const config: AppConfig = { ...base, postmark: { ...base.postmark, apiHost: postmark.host, useHttps: false } };
    const orm = await openOrm(config.database);
    closers.push(() => orm.close());
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: wrap(createActivities(testActivityDeps(config, orm))),
    });
    const running = worker.run();
    closers.push(async () => {
      worker.shutdown();
      await running;
    });
    const reset = async () => {
      await resetDatabase(orm);
      await seedDemoSites(orm.em.fork(), config.pricing);
      postmark.reset();
    };
    return { env, orm, postmark, reset, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The file's `TimeSkippingWorker`: started before its tests on a task queue of its own, reset before each test, stopped
 * after all; workflows pushed to `started` are terminated after each test.
 */
export function useTimeSkippingWorker(queuePrefix: string, wrap?: (activities: Activities) => Activities, overrides?: Record<string, string>): { readonly harness: TimeSkippingWorker; taskQueue: string; started: WorkflowHandle[] } {
  const taskQueue = `${queuePrefix}-${randomUUID()}`;
  const started: WorkflowHandle[] = [];
  let harness: TimeSkippingWorker | undefined;
  beforeAll(async () => {
    harness = await startTimeSkippingWorker(taskQueue, wrap, overrides);
  });
  afterAll(() => harness?.stop());
  beforeEach(() => harness!.reset());
  afterEach(async () => {
    await Promise.all(started.splice(0).map((h) => h.terminate('test finished').catch(() => undefined)));
  });
  return { get harness() { return harness!; }, taskQueue, started };
}
