import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { tracer } from '../../lib/telemetry/tracing.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span while tracing is on; its trace id goes in the request log line. */
    span: Span | null;
  }
}

/**
 * One server span per request, named by route template, continuing a caller's W3C `traceparent`. The rest of the
 * request runs inside the span's context, so calls into Temporal carry it into workflows (the client's OpenTelemetry
 * interceptor) and a webhook stored in the inbox keeps it for the relay.
 */
export const tracingPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('span', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': request.routeOptions.url ?? 'unmatched', 'url.path': request.url.split('?')[0] },
    }, parent);
    request.span = span;
    // Fastify runs the rest of the request from `done`, so everything it starts inherits the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = request.span;
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}, { name: 'tracing' });
