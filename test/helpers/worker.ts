import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { startFakePostmark, type FakePostmark } from '../../dev/fake-postmark.js';
import type { AppConfig } from '../../lib/config.js';
import { createActivityDeps, createWorker, type ActivityDeps } from '../../worker/worker.js';

/** A real worker on the test's task queue, with the fakes its activities talk to. */
export interface TestWorker {
  worker: Worker;
  postmark: FakePostmark;
  deps: ActivityDeps;
  /** Stops the worker (waiting for in-flight tasks) and the fakes. */
  stop(): Promise<void>;
}

/** Starts a fake Postmark and a worker polling `config.temporal.taskQueue` with the prebuilt workflow bundle. */
export async function startTestWorker(config: AppConfig, orm: MikroORM): Promise<TestWorker> {
  const postmark = await startFakePostmark({ port: 0, serverToken: config.postmark.serverToken });
  const withFakes: AppConfig = { ...config, postmark: { ...config.postmark, apiHost: postmark.host, useHttps: false } };
  const deps = createActivityDeps(withFakes, orm);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker(deps, connection, { workflowBundle: { codePath: inject('workflowBundlePath') } });
  const running = worker.run();
  return {
    worker,
    postmark,
    deps,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await postmark.close();
    },
  };
}
