import { NativeConnection, Runtime } from '@temporalio/worker';
import { openOrm } from '../db/orm.js';
import { loadConfig } from '../lib/config.js';
import { createTemporalClient, temporalConnectionSecurity } from '../lib/temporal/client.js';
import { ensureAnalyticsHousekeepingSchedule } from './schedules.js';
import { installTracing, otlpSpanProcessor } from '../lib/telemetry/tracing.js';
import { createActivityDeps, createWorker, tracingPlugin } from './worker.js';

const config = loadConfig();
if (config.metrics.workerPort > 0) {
  // The SDK's own metrics (task latencies, pollers, sticky cache, failures) in Prometheus format on a listener of their own.
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.metrics.host}:${config.metrics.workerPort}`, useSecondsForDurations: true } } } });
}
const tracing = config.otlpEndpoint ? installTracing('webmagic-worker', otlpSpanProcessor(config.otlpEndpoint)) : null;
const orm = await openOrm(config.database);
const connection = await NativeConnection.connect({ address: config.temporal.address, ...temporalConnectionSecurity(config.temporal.security) });
try {
  const worker = await createWorker(createActivityDeps(config, orm), connection, {
    ...(tracing ? { plugins: [tracingPlugin(tracing)] } : {}),
    ...(config.temporal.maxCachedWorkflows ? { maxCachedWorkflows: config.temporal.maxCachedWorkflows } : {}),
  });
  const client = createTemporalClient(config.temporal, config.temporal.security);
  console.log(`analytics housekeeping schedule: ${await ensureAnalyticsHousekeepingSchedule(client, config)}`);
  await client.connection.close();
  console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
  // Runs until SIGINT/SIGTERM, which the Temporal runtime turns into a graceful shutdown.
  await worker.run();
} finally {
  await connection.close();
  await orm.close();
  await tracing?.shutdown();
}
