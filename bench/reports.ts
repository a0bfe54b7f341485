/**
 * Business reports at size (`npm run bench:reports`): creates a throw-away database, migrates it, seeds two years of
 * business (10 000 sites, about 100 000 payments), then builds each console report over the default 24-month window
 * the way the API does (queries and shaping, plus the CSV for the download) and prints median and p95 of N runs.
 * The baseline is a trivial `select count(*) from payments` on the same data, so the ratio column reads the same on a
 * fast or a slow machine. Drops the database at the end. Target: every report under 100 ms at p95.
 *
 * Usage: npm run bench:reports [-- --runs=30 --sites=10000]
 */
import pg from 'pg';
import { buildReport, REPORT_KEYS, reportCsv, reportWindow } from '../api/services/reports.js';
import { openOrm } from '../db/orm.js';
import { rebuildPaymentMonths } from '../db/reports.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { loadConfig } from '../lib/config.js';
import { seedBusiness } from './reports-seed.js';
import { summarize } from './stats.js';

const option = (name: string, fallback: number) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const value = given ? Number(given.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const RUNS = option('runs', 30);
const SITES = option('sites', 10_000);
const WARMUP = 3;
const TARGET_MS = 100;

const database = await createThrowawayDatabase('webmagic_bench_reports');
const loaded = loadConfig();
const orm = await openOrm({ ...loaded.database, url: database.url, embedded: false });
try {
  await orm.migrator.up();
  const now = new Date();
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const seeded = await seedBusiness(client, { sites: SITES, months: 24, end, seed: 7 });
  const rebuilt = performance.now();
  await rebuildPaymentMonths(orm.em.fork());
  const rollup = performance.now() - rebuilt;
  await client.query('vacuum analyze');
  await client.end();
  console.log(`seeded ${seeded.sites} sites of ${seeded.customers} owners and ${seeded.payments} payments over ${seeded.months} months; roll-up built in ${rollup.toFixed(0)} ms; ${RUNS} runs after ${WARMUP} warm-up`);

  const window = reportWindow({}, now);
  const time = async (work: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i += 1) {
      const started = performance.now();
      await work();
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
    return summarize(samples);
  };
  const em = orm.em.fork();
  const baseline = await time(() => em.getConnection().execute('select count(*) from payments'));
  const lines: string[][] = [['report', 'rows', 'p50 ms', 'p95 ms', 'p50 / baseline', 'under 100 ms']];
  lines.push(['select count(*) from payments (baseline)', '1', baseline.p50.toFixed(1), baseline.p95.toFixed(1), '1.0', '']);
  let slow = 0;
  for (const key of REPORT_KEYS) {
    let rows = 0;
    const figures = await time(async () => {
      const report = await buildReport(em, key, window);
      reportCsv(report);
      rows = report.rows.length;
    });
    if (figures.p95 > TARGET_MS) slow += 1;
    lines.push([key, String(rows), figures.p50.toFixed(1), figures.p95.toFixed(1), (figures.p50 / baseline.p50).toFixed(1), figures.p95 <= TARGET_MS ? 'yes' : 'NO']);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  if (slow > 0) process.exitCode = 1;
} finally {
  await orm.close();
  await database.drop();
}
