import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../api/app.js';
import { apiConnectionLimits, openOrm } from '../../db/orm.js';
import type { AppConfig } from '../../lib/config.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { testConfig } from './env.js';
import { recordResponseViolations, responseViolations } from './response-contract.js';

/** A real API on the test database and Temporal server, driven through `app.inject()`. */
export interface TestApi {
  config: AppConfig;
  orm: MikroORM;
  temporal: Client;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds the API as production does, with test configuration (and, e.g., without its inbox relay). */
export async function createTestApi(overrides: Record<string, string> = {}, options: Pick<BuildAppOptions, 'relay' | 'tracing'> = {}): Promise<TestApi> {
  const config = testConfig(overrides);
  const orm = await openOrm(config.database, apiConnectionLimits(config.database));
  const temporal = createTemporalClient(config.temporal, undefined, options.tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined);
  const app = await buildApp({ config, orm, temporal }, { ...options, logger: false });
  // Every answer is checked against its route's declared responses: close() fails the test file on any that broke them.
  recordResponseViolations(app);
  return {
    config, orm, temporal, app,
    async close() {
      const violations = responseViolations(app);
      await app.close();
      await temporal.connection.close();
      await orm.close();
      if (violations.length > 0) throw new Error(`answers that break the OpenAPI document: ${JSON.stringify(violations, null, 1)}`);
    },
  };
}
