import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/*
 * The API's Prometheus series, one registry per process (what `/metrics` on the metrics listener serves). Request
 * metrics are labelled by route template, never by raw URL, so their cardinality is the route table's.
 */

/** Every series the API process exposes. */
export const apiRegistry = new Registry();
collectDefaultMetrics({ register: apiRegistry, prefix: 'webmagic_api_' });

const registers = [apiRegistry];

/** Requests by route template, method and status class (`2xx` … `5xx`). */
export const httpRequests = new Counter({
  name: 'webmagic_http_requests_total', help: 'HTTP requests answered, by route template, method and status class',
  labelNames: ['route', 'method', 'status_class'] as const, registers,
});

/** Time to answer, by route template, method and status class. */
export const httpDuration = new Histogram({
  name: 'webmagic_http_request_duration_seconds', help: 'Time from request to answer, by route template, method and status class',
  labelNames: ['route', 'method', 'status_class'] as const, buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
});

/**
 * Calls from the API into Temporal (start, signal, query, update), by the service they serve (claim, support, webhook, …)
 * and outcome: `ok`, `refused` (the workflow said no: not found, update rejected), `unavailable` (answered 503), `failed`.
 */
export const temporalCalls = new Histogram({
  name: 'webmagic_temporal_call_duration_seconds', help: 'API calls into Temporal, by service and outcome (ok, refused, unavailable, failed)',
  labelNames: ['service', 'outcome'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
});

/** Requests refused by a rate limit (429), by the route template that refused them. */
export const rateLimitRefusals = new Counter({
  name: 'webmagic_rate_limit_refusals_total', help: 'Requests refused by a rate limit (429), by route template',
  labelNames: ['route'] as const, registers,
});

/** Page cache lookups by result, and entries dropped to make room. */
export const pageCacheLookups = new Counter({
  name: 'webmagic_page_cache_lookups_total', help: 'Hosted-page cache lookups by result (hit, miss)', labelNames: ['result'] as const, registers,
});
export const pageCacheEvictions = new Counter({
  name: 'webmagic_page_cache_evictions_total', help: 'Hosted pages dropped from the cache, by cause (full, invalidated, expired)', labelNames: ['cause'] as const, registers,
});

/** Time from a webhook's arrival in the inbox to its delivery to a workflow by the relay. */
export const relayLag = new Histogram({
  name: 'webmagic_webhook_relay_lag_seconds', help: 'Time from a webhook delivery stored in the inbox to its delivery to its workflow',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers,
});

/** The status class of an HTTP status code: `2xx`, `4xx`, … */
export function statusClass(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}
