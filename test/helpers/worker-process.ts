import { NativeConnection } from '@temporalio/worker';
import { openOrm } from '../../db/orm.js';
import { loadConfig } from '../../lib/config.js';
import { createActivities, createActivityDeps, createWorker } from '../../worker/worker.js';
import { withTestFaults } from './preview-generator.js';

// A worker in a process of its own, so a test can kill it for real (SIGKILL, no cleanup) right after the
// activity named in CRASH_AFTER has done its work and before it reports back to Temporal.
const config = loadConfig();
const crashAfter = process.env.CRASH_AFTER;
const orm = await openOrm(config.database);
const real = createActivityDeps(config, orm);
const deps = { ...real, preview: withTestFaults(real.preview) };
const activities = { ...createActivities(deps) } as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
const target = crashAfter ? activities[crashAfter] : undefined;
if (crashAfter && target) {
  activities[crashAfter] = async (...args: unknown[]) => {
    await target(...args);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  };
}
const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await createWorker(deps, connection, { workflowBundle: { codePath: String(process.env.WORKFLOW_BUNDLE) }, activities });
console.log('worker-process ready');
await worker.run();
