import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRegistry } from '../../api/metrics/registry.js';
import { startMetricsServer } from '../../api/metrics/server.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimResult, openCheckout, pressCheckoutButton, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let server: Server;
let metricsUrl: string;

beforeAll(async () => {
  stack = await startTestStack({ CLAIM_STATUS_MAX_PER_MINUTE: '2' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  server = await startMetricsServer(apiRegistry, '127.0.0.1', 0);
  metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  server.close();
  await stack.stop();
});

const scrape = async () => (await fetch(metricsUrl)).text();

/** The value of one exposed sample, by its exact name and label set; undefined when it is not exposed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the API metrics listener', () => {
  it('after a purchase, its webhook and page views, exposes every request, inbox, cache, Temporal, pool and business series with its labels', async () => {
    expect((await fetch(`${stack.baseUrl}/sites/plumber-joe`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/sites/plumber-joe`)).status).toBe(200);
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const checkout = await openCheckout(stack, 'plumber-joe', { email: 'buyer@example.com', name: 'Bea Buyer' });
    expect(await pressCheckoutButton(checkout, 'pay')).toBe(303);
    expect((await claimResult(stack, siteId)).status).toBe('completed');
    for (let i = 0; i < 3; i += 1) await stack.api.app.inject({ method: 'GET', url: `/api/v1/claims/status?workflow_id=claim:${siteId}` });

    const present = [
      'webmagic_http_requests_total{route="/sites/:slug",method="GET",status_class="2xx"}',
      'webmagic_http_requests_total{route="/api/v1/sites/:slug/purchase",method="POST",status_class="2xx"}',
      'webmagic_http_requests_total{route="/api/v1/webhooks/recurrente",method="POST",status_class="2xx"}',
      'webmagic_http_requests_total{route="/api/v1/claims/status",method="GET",status_class="4xx"}',
      'webmagic_http_request_duration_seconds_count{route="/sites/:slug",method="GET",status_class="2xx"}',
      'webmagic_rate_limit_refusals_total{route="/api/v1/claims/status"}',
      'webmagic_temporal_call_duration_seconds_count{service="purchase",outcome="ok"}',
      'webmagic_page_cache_lookups_total{result="hit"}',
      'webmagic_page_cache_lookups_total{result="miss"}',
      'webmagic_page_cache_evictions_total{cause="invalidated"}',
      'webmagic_subscriptions{state="pending_activation"}',
      'webmagic_email_messages{status="sent"}',
    ];
    const missing = (scraped: string) => [...present, 'webmagic_webhook_relay_lag_seconds_count'].filter((series) => !((sample(scraped, series) ?? 0) > 0));
    // The welcome email goes out after the claim completes, and the page cache serves from memory once its change
    // notifications flow: scrape (viewing the page again) until both have happened.
    const text = await eventually(async () => {
      await fetch(`${stack.baseUrl}/sites/plumber-joe`);
      return scrape();
    }, (scraped) => missing(scraped).length === 0, 30_000);
    expect(missing(text), text).toEqual([]);
    const zeroOrMore = [
      'webmagic_webhook_inbox_depth', 'webmagic_webhook_inbox_oldest_age_seconds', 'webmagic_webhook_inbox_parked',
      'webmagic_payments_unapplied_oldest_age_seconds', 'webmagic_claims_open', 'webmagic_needs_attention_open',
      'webmagic_needs_attention_oldest_age_seconds', 'webmagic_tickets_past_sla', 'webmagic_page_cache_entries',
      'webmagic_db_pool_connections{state="idle"}', 'webmagic_db_pool_connections{state="waiting"}',
      'webmagic_analytics_queue_hits', 'webmagic_analytics_dropped_hits',
    ];
    expect(zeroOrMore.filter((series) => !((sample(text, series) ?? -1) >= 0)), text).toEqual([]);
    expect(text).not.toMatch(/route="\/sites\/plumber-joe"/);
  });

  it('serves only /metrics, never on the public port', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(404);
  });
});
