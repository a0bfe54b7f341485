import { context, propagation, ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/*
 * OpenTelemetry tracing: installed only when an OTLP endpoint is configured (or a test brings its own exporter), so a
 * platform without a collector pays nothing — every tracer is the API's no-op one then.
 */

/** The tracer the project's own spans come from. */
export function tracer(): Tracer {
  return trace.getTracer('webmagic');
}

/** Spans batched and sent over OTLP/HTTP to `endpoint` (e.g. `http://collector:4318`). */
export function otlpSpanProcessor(endpoint: string): SpanProcessor {
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }));
}

/** What a process's tracing is: its resource (service name) and where its spans go. */
export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

/** Registers the process-wide tracer provider (W3C trace context, async-local context) sending spans to `spanProcessor`. */
export function installTracing(serviceName: string, spanProcessor: SpanProcessor): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { resource, spanProcessor, shutdown: () => provider.shutdown() };
}

/** The active trace context as a W3C `traceparent` value, to store beside work that continues later; null when not tracing. */
export function currentTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored `traceparent` names (the root context when there is none). */
export function contextOf(traceParent: string | null): Context {
  return traceParent ? propagation.extract(ROOT_CONTEXT, { traceparent: traceParent }) : ROOT_CONTEXT;
}
