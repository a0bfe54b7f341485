import type { FastifyInstance, InjectOptions } from 'fastify';
import { summarize } from './stats.js';

/** One run of `drive`: when it started (`performance.now()`), its wall time, and the p50 / p95 request latency in ms. */
export interface DriveResult {
  started: number;
  seconds: number;
  p50: number;
  p95: number;
}

/**
 * POSTs `count` requests to `url` through `app.inject()`, `concurrency` at a time; `request(i)` builds the i-th one
 * before its latency is timed. Any answer other than `expected` stops the run.
 */
export async function drive(
  app: FastifyInstance,
  run: { url: string; count: number; concurrency: number; expected: number },
  request: (i: number) => Pick<InjectOptions, 'headers' | 'payload' | 'remoteAddress'>,
): Promise<DriveResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: run.concurrency }, async () => {
    while (next < run.count) {
      const options = request(next++);
      const t0 = performance.now();
      const res = await app.inject({ ...options, method: 'POST', url: run.url });
      latencies.push(performance.now() - t0);
      if (res.statusCode !== run.expected) throw new Error(`${run.url} answered ${res.statusCode}: ${res.body}`);
    }
  }));
  return { started, seconds: (performance.now() - started) / 1000, ...summarize(latencies) };
}
