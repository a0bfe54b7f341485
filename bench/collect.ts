/**
 * Analytics collection and dashboard.
 * 1. Throughput of POST /api/v1/collect (validation, anonymisation, visitor hash, batched sessionising write with
 *    roll-ups) against a bare Fastify route in the same process doing one `pg` insert of the same event row; both
 *    through `app.inject()` at the same concurrency, timed until the rows are in the database.
 * 2. An owner's 90-day dashboard (`analyticsReport`: totals from the hourly roll-up, top lists and median from the daily
 *    dimension roll-up plus the hourly rows of the partial edge days) over roll-ups standing for `events` synthetic events
 *    spread over `sites` sites, generated directly with generate_series.
 *
 * Usage (creates and drops its own database on the machine's PostgreSQL):
 *   npx tsx bench/collect.ts [beacons=3000] [concurrency=8] [events=10000000] [sites=50]
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../api/app.js';
import { analyticsReport } from '../db/analytics-reports.js';
import { Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/scripts/seed.js';
import { loadConfig } from '../lib/config.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { addBareInsertRoute } from './bare-insert.js';
import { drive } from './drive.js';
import { ms, percentile } from './stats.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';

const [beacons, concurrency, events, siteCount] = [3000, 8, 10_000_000, 50].map((d, i) => Number(process.argv[i + 2] ?? d)) as [number, number, number, number];
if (![beacons, concurrency, events, siteCount].every((n) => Number.isInteger(n) && n > 0)) throw new Error('usage: collect.ts [beacons] [concurrency] [events] [sites]');

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const database = await createThrowawayDatabase('webmagic_bench');
// Collection never calls Temporal; the client connects lazily and is never used.
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, TEMPORAL_ADDRESS: '127.0.0.1:1', ANALYTICS_FLUSH_INTERVAL: '200ms', ANALYTICS_FLUSH_BATCH: '500' });
const orm = await openOrm(config.database);
const temporal = createTemporalClient(config.temporal);
const bare = Fastify({ logger: false });
const pool = new pg.Pool({ connectionString: database.url, max: config.database.poolMax });

try {
  await orm.migrator.up();
  await seedDemoSites(orm.em.fork(), config.pricing);
  const site = await orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
  const app = await buildApp({ config, orm, temporal }, { logger: false });
  await addBareInsertRoute(bare, pool, {
    table: 'create table bench_events (like analytics_events including defaults)',
    contentType: 'text/plain',
    statement: 'insert into bench_events (id, site_id, type, path, at) values ($1, $2, $3, $4, now())',
    values: (body) => {
      const [event] = (JSON.parse(body) as { events: { type: string; path: string }[] }).events;
      return [randomUUID(), site.id, event!.type, event!.path];
    },
    answer: () => ({ status: 204 }),
  });
  await Promise.all([app.ready(), bare.ready()]);

  const beacon = (i: number) => ({
    remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    headers: { 'content-type': 'text/plain', 'user-agent': UA },
    payload: JSON.stringify({ site: 'plumber-joe', events: [{ type: 'page_view', path: `/sites/plumber-joe`, search: i % 3 === 0 ? '?utm_source=google' : '', referrer: 'https://www.google.com/' }] }),
  });
  const collects = (count: number) => ({ url: '/api/v1/collect', count, concurrency, expected: 204 });
  const inserts = (count: number) => ({ url: '/insert', count, concurrency, expected: 204 });
  const count = async (table: string) => Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

  await drive(app, collects(200), beacon);
  await app.analyticsCollector.flush();
  await drive(bare, inserts(200), beacon);
  const before = await count('analytics_events');

  const o = await drive(app, collects(beacons), beacon);
  await app.analyticsCollector.flush();
  const oursSeconds = (performance.now() - o.started) / 1000;
  if ((await count('analytics_events')) - before !== beacons) throw new Error('not every beacon was stored');
  const b = await drive(bare, inserts(beacons), beacon);
  console.log(`collect: ${beacons} beacons, concurrency ${concurrency} (after 200 warm-up each), timed until stored`);
  console.log(`  /api/v1/collect  ${(beacons / oursSeconds).toFixed(0)} events/s   p50 ${ms(o.p50)}   p95 ${ms(o.p95)}   (anonymise + hash + batched sessions, events, roll-ups)`);
  console.log(`  bare pg insert   ${(beacons / b.seconds).toFixed(0)} events/s   p50 ${ms(b.p50)}   p95 ${ms(b.p95)}`);
  console.log(`  throughput ratio (collect / bare) ${(b.seconds / oursSeconds).toFixed(2)}x`);
  await app.close();

  const generated = performance.now();
  const hours = 90 * 24;
  const perRow = Math.max(1, Math.round(events / (siteCount * hours)));
  await pool.query(`insert into sites (id, slug, business_id, title, status, purchase_amount_cents, monthly_amount_cents, currency, created_at, updated_at)
    select gen_random_uuid(), 'bench-' || g, business_id, 'Bench ' || g, 'active', 49500, 9500, 'USD', now(), now() from generate_series(1, $1) g, (select business_id from sites limit 1) b`, [siteCount - 1]);
  const rows = await pool.query(`insert into analytics_hourly (id, site_id, hour, visitors, sessions, page_views, bounces, duration_seconds, cta_call, cta_claim, bookings)
    select gen_random_uuid(), s.id, h, $1 / 4, $1 / 3, $1, $1 / 6, $1 * 20, $1 / 50, $1 / 80, $1 / 100
    from (select id from sites where slug = 'plumber-joe' or slug like 'bench-%') s, generate_series(date_trunc('hour', now()) - interval '90 days', date_trunc('hour', now()) - interval '1 hour', interval '1 hour') h
    on conflict (site_id, hour) do nothing`, [perRow]);
  const dims = await pool.query(`insert into analytics_hourly_dimensions (id, site_id, hour, dimension, value, sessions)
    select gen_random_uuid(), a.site_id, a.hour, d.dimension, d.value, greatest(1, a.sessions / 3)
    from analytics_hourly a, (values ('utm_source', 'google'), ('utm_source', 'facebook'), ('referrer', 'google.com'), ('landing_path', '/'), ('device', 'mobile'), ('device', 'desktop'), ('duration', '30'), ('duration', '120')) d(dimension, value)
    on conflict (site_id, hour, dimension, value) do nothing`);
  const days = await pool.query(`insert into analytics_daily_dimensions (id, site_id, day, dimension, value, sessions)
    select gen_random_uuid(), site_id, date_trunc('day', hour, 'UTC'), dimension, value, sum(sessions) from analytics_hourly_dimensions
    group by site_id, date_trunc('day', hour, 'UTC'), dimension, value
    on conflict (site_id, day, dimension, value) do update set sessions = excluded.sessions`);
  await pool.query('analyze');
  const total = Number((await pool.query<{ n: string }>('select sum(page_views) as n from analytics_hourly')).rows[0]!.n);
  console.log(`dashboard: ${rows.rowCount} hourly rows + ${dims.rowCount} hourly and ${days.rowCount} daily dimension rows standing for ${total} events over ${siteCount} sites x 90 days (generated in ${((performance.now() - generated) / 1000).toFixed(1)} s)`);

  const to = new Date();
  const from = new Date(to.getTime() - 90 * 86_400_000);
  const timings: number[] = [];
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    const report = await analyticsReport(orm.em.fork(), site.id, from, to);
    timings.push(performance.now() - t0);
    if (report.totals.pageViews === 0) throw new Error('empty report');
  }
  const d = timings.slice(20).sort((a, b) => a - b);
  console.log(`  owner's 90-day dashboard (totals + top lists + median + funnels): p50 ${ms(percentile(d, 50))}   p95 ${ms(percentile(d, 95))}   p99 ${ms(percentile(d, 99))}   (${d.length} runs after 20 warm-up)`);
} finally {
  await bare.close();
  await pool.end();
  await temporal.connection.close().catch(() => undefined);
  await orm.close();
  await database.drop();
}
