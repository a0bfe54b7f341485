/**
 * Webhook ingest throughput: POST /api/v1/webhooks/recurrente (Svix signature check over the raw body, inbox
 * insert, routing, signal-with-start of the claim workflow on a real Temporal dev server) against a bare Fastify
 * route in the same process that stores the same signed request with one `pg` insert (`bench/bare-insert.ts`). Both run through `app.inject()` with the
 * same concurrency, so the ratio is what verification, the inbox and the signal cost over a plain insert.
 *
 * Usage (creates and drops its own database on the machine's PostgreSQL and starts its own Temporal dev server):
 *   npx tsx bench/webhook-ingest.ts [events=1000] [concurrency=8]
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../api/app.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/scripts/seed.js';
import { Site } from '../db/entities/index.js';
import { temporalCliPath } from '../dev/temporal-binaries.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { loadConfig } from '../lib/config.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { signWebhook } from '../lib/recurrente/signature.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { addBareInsertRoute, WEBHOOK_INBOX_BASELINE } from './bare-insert.js';
import { drive } from './drive.js';
import { ms } from './stats.js';

const events = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
if (!Number.isInteger(events) || events < 1 || !Number.isInteger(concurrency) || concurrency < 1) throw new Error('usage: webhook-ingest.ts [events] [concurrency]');

const database = await createThrowawayDatabase('webmagic_bench');
const temporalServer = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
});
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalServer.address, TEMPORAL_TASK_QUEUE: 'bench' });
const orm = await openOrm(config.database);
const temporal = createTemporalClient(config.temporal);
const bare = Fastify({ logger: false });
const pool = new pg.Pool({ connectionString: database.url, max: config.database.poolMax });

try {
  await orm.migrator.up();
  await seedDemoSites(orm.em.fork(), config.pricing);
  const sites = await orm.em.fork().find(Site, {});
  const app = await buildApp({ config, orm, temporal }, { logger: false });
  await addBareInsertRoute(bare, pool, WEBHOOK_INBOX_BASELINE);
  await Promise.all([app.ready(), bare.ready()]);

  const payload = (i: number) => JSON.stringify({
    id: `pa_${i}`,
    event_type: 'payment_intent.succeeded',
    api_version: '2024-04-24',
    checkout: { id: `ch_${i}`, status: 'paid', metadata: { purpose: 'claim', site_id: sites[i % sites.length]!.id, claim_email: `buyer${i}@example.com`, claim_name: 'Bench Buyer' } },
    amount_in_cents: 49500,
    currency: 'USD',
    created_at: new Date().toISOString(),
  });
  const signed = (i: number) => {
    const body = payload(i);
    return { headers: { 'content-type': 'application/json', ...signWebhook(config.recurrente.webhookSecret, `msg_${i}_${randomUUID()}`, new Date(), body) }, payload: body };
  };
  const webhooks = (count: number) => ({ url: '/api/v1/webhooks/recurrente', count, concurrency, expected: 200 });
  const inserts = (count: number) => ({ url: '/insert', count, concurrency, expected: 200 });

  await drive(app, webhooks(50), signed);
  await drive(bare, inserts(50), signed);
  const ours = await drive(app, webhooks(events), signed);
  const baseline = await drive(bare, inserts(events), signed);

  const rate = (r: { seconds: number }) => events / r.seconds;
  console.log(`webhook ingest, ${events} events, concurrency ${concurrency} (after 50 warm-up each)`);
  console.log(`  webhook route   ${rate(ours).toFixed(0)} events/s   p50 ${ms(ours.p50)}   p95 ${ms(ours.p95)}   (verify + inbox + signal-with-start)`);
  console.log(`  bare pg insert  ${rate(baseline).toFixed(0)} events/s   p50 ${ms(baseline.p50)}   p95 ${ms(baseline.p95)}`);
  console.log(`  throughput ratio (webhook / bare) ${(rate(ours) / rate(baseline)).toFixed(2)}x   p50 latency ratio ${(ours.p50 / baseline.p50).toFixed(2)}x`);
  await app.close();
} finally {
  await bare.close();
  await pool.end();
  await temporal.connection.close();
  await orm.close();
  await temporalServer.teardown();
  await database.drop();
}
