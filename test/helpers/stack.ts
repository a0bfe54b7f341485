import { startFakePostmark, type FakePostmark } from '../../lib/postmark/fake.js';
import { startFakeRecurrente, type FakeRecurrente } from '../../lib/recurrente/fake.js';
import type { AppConfig } from '../../lib/config.js';
import type { Tracing } from '../../lib/telemetry/tracing.js';
import { tracingPlugin } from '../../worker/worker.js';
import { createTestApi, type TestApi } from './api.js';
import { startTestWorker, type Activities, type TestWorker } from './worker.js';

/** The whole platform for a test: a listening API, a worker, the simulated Recurrente and fake Postmark. */
export interface TestStack {
  api: TestApi;
  /** Base URL of the listening API. */
  baseUrl: string;
  /** Configuration the worker runs with (pointing at the fakes); a restarted worker reads it again. */
  config: AppConfig;
  recurrente: FakeRecurrente;
  postmark: FakePostmark;
  worker: TestWorker;
  /** Replaces the running worker (after stopping it) with a new one, optionally with wrapped activities. */
  restartWorker(wrap?: (activities: Activities) => Activities): Promise<TestWorker>;
  stop(): Promise<void>;
}

/** Settings of the local fakes besides the defaults. */
export interface FakeOptions {
  /** Delays of the simulated provider's webhook attempts (first, then each retry); default a fast schedule of six attempts over 8 s. */
  webhookRetryDelaysMs?: number[];
}

/**
 * Starts the stack; webhooks from the simulated provider reach the API over real HTTP, signed. With `tracing` (a tracer
 * provider the test installed), the API makes a span per request and the worker traces workflows and activities. The API listens on
 * `overrides.PORT` when given (so `PUBLIC_BASE_URL`, and with it every emailed link, can point at it), else on any port.
 */
export async function startTestStack(overrides: Record<string, string> = {}, wrap?: (activities: Activities) => Activities, tracing?: Tracing, fakes: FakeOptions = {}): Promise<TestStack> {
  const api = await createTestApi(overrides, { tracing: tracing !== undefined });
  const baseUrl = await api.app.listen({ host: '127.0.0.1', port: overrides.PORT === undefined ? 0 : Number(overrides.PORT) });
  const postmark = await startFakePostmark({
    port: 0, serverToken: api.config.postmark.serverToken, webhook: { url: `${baseUrl}/api/v1/webhooks/postmark`, secret: api.config.postmark.webhookSecret },
  });
  const recurrente = await startFakeRecurrente({
    port: 0,
    webhookUrl: `${baseUrl}/api/v1/webhooks/recurrente`,
    webhookSecret: api.config.recurrente.webhookSecret,
    publicKey: api.config.recurrente.publicKey,
    secretKey: api.config.recurrente.secretKey,
    retryDelaysMs: fakes.webhookRetryDelaysMs ?? [0, 200, 500, 1000, 2000, 4000],
  });
  const config: AppConfig = {
    ...api.config,
    recurrente: { ...api.config.recurrente, apiUrl: recurrente.apiUrl },
    postmark: { ...api.config.postmark, apiHost: postmark.host, useHttps: false },
  };
  const stack: TestStack = {
    api, baseUrl, config, recurrente, postmark,
    worker: await startTestWorker(config, api.orm, wrap, tracing ? [tracingPlugin(tracing)] : undefined),
    async restartWorker(nextWrap) {
      await stack.worker.stop();
      stack.worker = await startTestWorker(stack.config, api.orm, nextWrap, tracing ? [tracingPlugin(tracing)] : undefined);
      return stack.worker;
    },
    async stop() {
      await stack.worker.stop();
      await recurrente.close();
      await postmark.close();
      await api.close();
    },
  };
  return stack;
}
