import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { AppConfig } from '../../lib/config.js';
import { createActivities, createActivityDeps, createWorker } from '../../worker/worker.js';

/** The activities object a worker runs; tests may wrap it to inject faults. */
export type Activities = ReturnType<typeof createActivities>;

/** A real worker on the test's task queue. */
export interface TestWorker {
  worker: Worker;
  /** Stops the worker, waiting for in-flight tasks; calling it again waits for the same stop. */
  stop(): Promise<void>;
}

/** Starts a worker polling `config.temporal.taskQueue` with the prebuilt workflow bundle and the real activities (optionally wrapped). */
export async function startTestWorker(config: AppConfig, orm: MikroORM, wrap: (activities: Activities) => Activities = (a) => a): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const activities = wrap(createActivities(createActivityDeps(config, orm)));
  const worker = await createWorker(createActivityDeps(config, orm), connection, { workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
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
