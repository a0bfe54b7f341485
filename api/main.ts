import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { loadConfig } from '../lib/config.js';
import { installTracing, otlpSpanProcessor } from '../lib/telemetry/tracing.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { apiConnectionLimits, openOrm } from '../db/orm.js';
import { buildApp } from './app.js';
import { apiRegistry } from './metrics/registry.js';
import { startMetricsServer } from './metrics/server.js';

const config = loadConfig();
const tracing = config.otlpEndpoint ? installTracing('webmagic-api', otlpSpanProcessor(config.otlpEndpoint)) : null;
const orm = await openOrm(config.database, apiConnectionLimits(config.database));
const temporal = createTemporalClient(config.temporal, config.temporal.security, tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined);
const app = await buildApp({ config, orm, temporal }, { tracing: tracing !== null });
const metrics = config.metrics.apiPort > 0 ? await startMetricsServer(apiRegistry, config.metrics.host, config.metrics.apiPort) : null;

async function shutdown(signal: string): Promise<void> {
  app.log.info({ signal }, 'shutting down');
  metrics?.close();
  await app.close();
  await temporal.connection.close();
  await orm.close();
  await tracing?.shutdown();
  process.exit(0);
}
process.once('SIGINT', (s) => void shutdown(s));
process.once('SIGTERM', (s) => void shutdown(s));

await app.listen({ host: config.http.host, port: config.http.port });
