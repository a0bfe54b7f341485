import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker, type WorkerPlugin } from '@temporalio/worker';
import { inject } from 'vitest';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import type { AppConfig } from '../../lib/config.js';
import { startFakePostmark, type FakePostmark } from '../../lib/postmark/fake.js';
import { createActivities, createActivityDeps, createWorker } from '../../worker/worker.js';
import { resetDatabase, testConfig } from './env.js';
import { createTimeSkippingEnv } from './time-skipping.js';

/** The activities object a worker runs; tests may wrap it to inject faults. */
export type Activities = ReturnType<typeof createActivities>;

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
  const activities = wrap(createActivities(createActivityDeps(config, orm)));
  const worker = await createWorker(createActivityDeps(config, orm), connection, plugins ? { plugins, activities } : { workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
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

/** Starts a `TimeSkippingWorker` with the prebuilt workflow bundle and the real activities (optionally wrapped); a failed start stops what it started. */
export async function startTimeSkippingWorker(taskQueue: string, wrap: (activities: Activities) => Activities = (a) => a): Promise<TimeSkippingWorker> {
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const env = await createTimeSkippingEnv();
    closers.push(() => env.teardown());
    const postmark = await startFakePostmark({ port: 0, serverToken: 'POSTMARK_API_TEST' });
    closers.push(() => postmark.close());
    const base = testConfig();
    const config: AppConfig = { ...base, postmark: { ...base.postmark, apiHost: postmark.host, useHttps: false } };
    const orm = await openOrm(config.database);
    closers.push(() => orm.close());
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: wrap(createActivities(createActivityDeps(config, orm))),
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
