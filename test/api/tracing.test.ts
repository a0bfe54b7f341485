import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { installTracing, type Tracing } from '../../lib/telemetry/tracing.js';
import { claimResult, pressCheckoutButton, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { claimPayment, deliver, settled } from '../helpers/webhook-inbox.js';

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
  it('keeps a purchase in one trace: the request, the claim workflow and its activities, and the webhook’s delivery linked to its request', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const res = await fetch(`${stack.baseUrl}/api/v1/sites/plumber-joe/purchase`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'traced@example.com', name: 'Tracy Buyer' }),
    });
    expect(res.status).toBe(200);
    expect(await pressCheckoutButton(((await res.json()) as { checkout_url: string }).checkout_url, 'pay')).toBe(303);
    expect((await claimResult(stack, siteId)).status).toBe('completed');

    // The purchase request's trace: the server span, the client's update-with-start, the workflow run and its
    // activities, and the relay's delivery of the payment webhook with the signal it sent and its handling.
    const [purchase] = named('POST /api/v1/sites/:slug/purchase');
    expect(purchase).toBeDefined();
    const purchaseTrace = await eventually(async () => inTrace(purchase!.spanContext().traceId),
      (trace) => named('HandleSignal', trace).length > 0 && named('RunActivity', trace).length >= 5, 30_000);
    expect(named('RunWorkflow:claimSiteWorkflow', purchaseTrace)).toHaveLength(1);
    const [relay] = named('webhook relay', purchaseTrace);
    expect(relay!.attributes['webhook.outcome']).toBe('processed');
    const [signal] = named('SignalWithStartWorkflow', purchaseTrace);
    expect(signal && parentOf(signal)).toBe(relay!.spanContext().spanId);
    expect(named('HandleSignal', purchaseTrace)).toHaveLength(1);

    // The payment is applied after the signal, by activities of the same trace: they start after the relay did.
    const afterPayment = named('RunActivity', purchaseTrace).filter((s) => s.startTime[0] * 1e9 + s.startTime[1] > relay!.startTime[0] * 1e9 + relay!.startTime[1]);
    expect(afterPayment.length).toBeGreaterThan(0);

    // The webhook request has a trace of its own (it came from the provider); the delivery links to it.
    const [webhook] = named('POST /api/v1/webhooks/recurrente');
    expect(webhook).toBeDefined();
    expect(relay!.links.map((l) => l.context.spanId)).toContain(webhook!.spanContext().spanId);
  }, 120_000);

  it('continues the webhook request’s trace when the payment carries no trace of its own', async () => {
    const eventId = `evt_untraced_${Date.now()}`;
    const res = await deliver(stack.api, eventId, claimPayment(randomUUID()));
    expect(res.statusCode).toBe(200);
    expect((await settled(stack.api, eventId)).parkedReason).toMatch(/^unroutable_payment/);
    const relay = await eventually(async () => named('webhook relay').find((s) => s.attributes['webhook.event_id'] === eventId), (span) => span !== undefined);
    const request = spans().find((s) => s.spanContext().spanId === parentOf(relay!));
    expect(request?.name).toBe('POST /api/v1/webhooks/recurrente');
    expect(relay!.links).toEqual([]);
  });

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
