/**
 * The worker of `npm run bench:batch`, in a process of its own so its memory is its own: the real activities with the
 * configured generator and the quality gate, the workflow bundle the bench built.
 */
import { NativeConnection } from '@temporalio/worker';
import { openOrm } from '../db/orm.js';
import { loadConfig } from '../lib/config.js';
import { createActivityDeps, createWorker } from '../worker/worker.js';

const config = loadConfig();
const orm = await openOrm(config.database);
const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await createWorker(createActivityDeps(config, orm), connection, { workflowBundle: { codePath: String(process.env.WORKFLOW_BUNDLE) } });
process.send?.({ ready: true });
await worker.run();
await connection.close();
await orm.close();
