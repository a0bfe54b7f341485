import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { installTracing, type Tracing } from '../../lib/telemetry/tracing.js';
import { claimResult, pressCheckoutButton, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: TestStack;

beforeAll(async () => {
  tracing = installTracing('webmagic-test', new SimpleSpanProcessor(exporter));
  stack = await startTestStack({}, undefined, tracing);
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
}, 120_000);
afterAll(async () => {
  await stack.stop();
  await tracing.shutdown();
});

const spans = () => exporter.getFinishedSpans();
const named = (prefix: string, among: ReadableSpan[] = spans()) => among.filter((s) => s.name.startsWith(prefix));
const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanId;

describe('tracing a purchase', () => {
  it('follows the purchase request into the claim workflow and its activities, and the webhook request through the relay into the workflow', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const res = await fetch(`${stack.baseUrl}/api/v1/sites/plumber-joe/purchase`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'traced@example.com', name: 'Tracy Buyer' }),
    });
    expect(res.status).toBe(200);
    expect(await pressCheckoutButton(((await res.json()) as { checkout_url: string }).checkout_url, 'pay')).toBe(303);
    expect((await claimResult(stack, siteId)).status).toBe('completed');

    // The purchase request's trace: the server span, the client's update-with-start, the workflow run and its activities.
    const [purchase] = named('POST /api/v1/sites/:slug/purchase');
    expect(purchase).toBeDefined();
    const purchaseTrace = await eventually(async () => inTrace(purchase!.spanContext().traceId), (trace) => named('RunActivity', trace).length >= 3, 30_000);
    expect(named('RunWorkflow:claimSiteWorkflow', purchaseTrace)).toHaveLength(1);
    expect(named('RunActivity', purchaseTrace).length).toBeGreaterThanOrEqual(3);

    // The webhook's trace: its server span, the relay's span (a child, though it ran later from the inbox), the signal
    // the relay sent and the workflow's handling of it.
    const [webhook] = named('POST /api/v1/webhooks/recurrente');
    expect(webhook).toBeDefined();
    const webhookTrace = await eventually(async () => inTrace(webhook!.spanContext().traceId), (trace) => named('HandleSignal', trace).length > 0 && named('webhook relay', trace).length > 0, 30_000);
    const [relay] = named('webhook relay', webhookTrace);
    expect(relay && parentOf(relay)).toBe(webhook!.spanContext().spanId);
    expect(relay!.attributes['webhook.outcome']).toBe('processed');
    const [signal] = named('SignalWithStartWorkflow', webhookTrace);
    expect(signal && parentOf(signal)).toBe(relay!.spanContext().spanId);
    expect(named('HandleSignal', webhookTrace)).toHaveLength(1);
  }, 120_000);

  it('continues a caller’s traceparent and puts the trace id in the request log line beside the request id', async () => {
    let log = '';
    const logStream = new Writable({ write(chunk: Buffer, _enc, done) { log += chunk.toString(); done(); } });
    const { config, orm, temporal } = stack.api;
    const app = await buildApp({ config: { ...config, logLevel: 'info' }, orm, temporal }, { logStream, relay: false, tracing: true });
    const res = await app.inject({ method: 'GET', url: '/api/v1/health/live', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    await app.close();
    expect(res.statusCode).toBe(200);
    const span = named('GET /api/v1/health/live').at(-1);
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span && parentOf(span)).toBe('b7ad6b7169203331');
    const line = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request');
    expect(line).toMatchObject({ reqId: res.headers['x-request-id'], traceId: '0af7651916cd43dd8448eb211c80319c' });
  });
});
