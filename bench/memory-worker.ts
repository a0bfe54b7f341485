/**
 * The worker whose memory `npm run bench` measures, in a process of its own: the production workflow bundle
 * (prebuilt, path in WORKFLOW_BUNDLE) and the real activities, with a workflow cache of `argv[2]` entries so every
 * idle subscription stays cached (the size is set here only). Sends `{ ready: true }` once polling, and answers
 * every message with its worker status and memory after a full garbage collection (run with `--expose-gc`).
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { openOrm } from '../db/orm.js';
import { loadConfig } from '../lib/config.js';
import { createActivityDeps, createWorker } from '../worker/worker.js';

/** What the bench reads from this process. */
export interface MemoryReport {
  cached: number;
  busy: number;
  rss: number;
  heapUsed: number;
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig();
const orm = await openOrm(config.database);
const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await createWorker(createActivityDeps(config, orm), connection, {
  workflowBundle: { codePath: String(process.env.WORKFLOW_BUNDLE) },
  maxCachedWorkflows: Number(process.argv[2]),
});
process.on('message', () => {
  global.gc?.();
  const status = worker.getStatus();
  const memory = process.memoryUsage();
  const report: MemoryReport = {
    cached: status.numCachedWorkflows,
    busy: status.numInFlightWorkflowActivations + status.numInFlightActivities,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
  };
  process.send?.(report);
});
process.once('disconnect', () => worker.shutdown());
const running = worker.run();
process.send?.({ ready: true });
try {
  await running;
} finally {
  await connection.close();
  await orm.close();
}
