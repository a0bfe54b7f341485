import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { failureOutcome } from '../../worker/activity-outcomes.js';
import { claimResult, openCheckout, pressCheckoutButton, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// The Temporal runtime is process-wide: it is installed with its Prometheus listener before this file's worker starts.
const metricsPort = await freePort();
Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}`, useSecondsForDurations: true } } } });
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
}, 120_000);
afterAll(async () => {
  await stack.stop();
});

describe('activity outcomes', () => {
  it('tell a business refusal from an outage and a cancellation', () => {
    expect(failureOutcome(ApplicationFailure.nonRetryable('taken', 'SiteAlreadyClaimed'))).toEqual({ outcome: 'failed_final', errorType: 'SiteAlreadyClaimed' });
    expect(failureOutcome(ApplicationFailure.retryable('provider answered 503', 'GatewayUnavailable'))).toEqual({ outcome: 'failed_retryable', errorType: 'GatewayUnavailable' });
    expect(failureOutcome(new TypeError('fetch failed'))).toEqual({ outcome: 'failed_retryable', errorType: 'TypeError' });
    expect(failureOutcome(new CancelledFailure('cancelled'))).toEqual({ outcome: 'cancelled', errorType: 'CancelledFailure' });
  });

  it('are counted per activity type on the worker’s Prometheus listener, beside the SDK’s own series', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const checkout = await openCheckout(stack, 'plumber-joe', { email: 'counted@example.com', name: 'Counted Buyer' });
    expect(await pressCheckoutButton(checkout, 'pay')).toBe(303);
    expect((await claimResult(stack, siteId)).status).toBe('completed');

    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const outcomes = text.split('\n').filter((line) => line.startsWith('webmagic_activity_outcomes'));
    const completed = outcomes.filter((line) => line.includes('outcome="completed"'));
    // One series per activity type the claim ran, each labelled by the SDK with its type and task queue.
    expect(new Set(completed.map((line) => /activityType="([^"]+)"/.exec(line)?.[1])).size).toBeGreaterThanOrEqual(3);
    expect(completed.every((line) => line.includes(`taskQueue="${stack.config.temporal.taskQueue}"`))).toBe(true);
    for (const series of ['temporal_activity_schedule_to_start_latency', 'temporal_workflow_task_schedule_to_start_latency', 'temporal_sticky_cache_hit', 'temporal_num_pollers']) {
      expect(text, series).toContain(series);
    }
  }, 120_000);
});
