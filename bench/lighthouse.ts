/**
 * Page quality of every template, measured: starts the API on a throwaway database, publishes one owned site per
 * template (realistic content, the template's category preset), runs Lighthouse (mobile profile) against each with
 * Debian's chromium, prints one table template × category × score with the audits that failed, and saves desktop and
 * phone screenshots of each template to .artifacts/templates/. Temporal is not needed.
 *
 * Usage: npm run lighthouse [runs per template=3; the median run by performance is shown]   (PostgreSQL from DATABASE_URL or 127.0.0.1:5432; the run creates and drops its own database)
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import lighthouse from 'lighthouse';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { buildApp } from '../api/app.js';
import { Business, Site, SiteVersion } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../dev/embedded-postgres.js';
import { loadConfig } from '../lib/config.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { freePort } from '../test/helpers/ports.js';
import { TEMPLATE_SITES } from './template-sites.js';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const SHOTS = new URL('../.artifacts/templates/', import.meta.url);
const BROWSER = '/usr/bin/chromium';
const RUNS = Math.max(1, Number(process.argv[2] ?? 3));
const base = loadConfig();
const databaseName = `webmagic_lighthouse_${process.pid}`;
const serverUrl = new URL(base.database.url);
serverUrl.pathname = '/postgres';
const databaseUrl = new URL(base.database.url);
databaseUrl.pathname = `/${databaseName}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Without DATABASE_URL the embedded PostgreSQL is used: started here when the run command is not already running it. */
async function startServerIfNeeded(): Promise<EmbeddedDatabase | null> {
  try {
    await admin(async () => undefined);
    return null;
  } catch (error) {
    if (!base.database.embedded) throw error;
    return startEmbeddedPostgres(base.database.url, resolve(fileURLToPath(new URL('..', import.meta.url)), base.dataDir, 'postgres'));
  }
}

async function main(): Promise<void> {
  const server = await startServerIfNeeded();
  await admin((c) => c.query(`create database ${databaseName}`));
  const config = { ...base, database: { ...base.database, url: databaseUrl.toString() } };
  const orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  const app = await buildApp({ config, orm, temporal }, { logger: false });
  try {
    await orm.migrator.up();
    const em = orm.em.fork();
    for (const demo of TEMPLATE_SITES) {
      const business = em.create(Business, demo.business);
      const site = em.create(Site, {
        slug: demo.slug, business, title: demo.title, status: 'owned',
        purchaseAmountCents: config.pricing.purchaseAmountCents, monthlyAmountCents: config.pricing.monthlyAmountCents, currency: config.pricing.currency,
      });
      site.currentVersion = em.create(SiteVersion, { site, versionNumber: 1, content: demo.content, createdBy: 'admin', publishedAt: new Date(), changeSummary: 'Lighthouse site' });
    }
    await em.flush();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await measure(origin);
  } finally {
    await app.close();
    await orm.close();
    await temporal.connection.close().catch(() => undefined);
    await admin((c) => c.query(`drop database if exists ${databaseName} with (force)`));
    await server?.stop();
  }
}

async function measure(origin: string): Promise<void> {
  const port = await freePort();
  const browser = await chromium.launch({ executablePath: BROWSER, args: ['--headless=new', '--no-sandbox', `--remote-debugging-port=${port}`] });
  const rows: string[] = [];
  let version = '';
  const failures: string[] = [];
  const weights: string[] = [];
  try {
    for (const site of TEMPLATE_SITES) {
      const url = `${origin}/sites/${site.slug}`;
      const runs = [];
      for (let run = 0; run < RUNS; run += 1) {
        const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
        if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
        runs.push(result.lhr);
      }
      // The run with the median performance score, as Lighthouse advises for a loaded machine.
      const lhr = runs.sort((a, b) => (a.categories.performance?.score ?? 0) - (b.categories.performance?.score ?? 0))[Math.floor(RUNS / 2)]!;
      version = lhr.lighthouseVersion;
      const scores = CATEGORIES.map((c) => Math.round((lhr.categories[c]?.score ?? 0) * 100));
      rows.push(`| ${site.template.padEnd(8)} | ${scores.map((s) => String(s).padStart(3)).join(' | ')} |`);
      for (const category of CATEGORIES) {
        for (const ref of lhr.categories[category]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
            const items = ((audit.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? []).slice(0, 3)
              .map((item) => JSON.stringify(item).slice(0, 300));
            failures.push(`${site.template} · ${category} · ${ref.id} (${audit.title}): ${Math.round(audit.score * 100)}${items.map((i) => `\n      ${i}`).join('')}`);
          }
        }
      }
      const html = await (await fetch(url)).text();
      weights.push(`${site.template}: HTML ${(gzipSync(html).length / 1024).toFixed(1)} KB gzip`);
    }
    mkdirSync(SHOTS, { recursive: true });
    for (const site of TEMPLATE_SITES) {
      for (const [device, viewport] of [['desktop', { width: 1366, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
        const context = await browser.newContext({ viewport, deviceScaleFactor: device === 'phone' ? 2 : 1, isMobile: device === 'phone', hasTouch: device === 'phone' });
        const page = await context.newPage();
        await page.goto(`${origin}/sites/${site.slug}`, { waitUntil: 'load' });
        await page.screenshot({ path: new URL(`${site.template}-${device}.png`, SHOTS).pathname, fullPage: true });
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`Lighthouse ${version} · mobile profile · ${BROWSER} · median of ${RUNS} run${RUNS === 1 ? '' : 's'}\n`);
  console.log(`| template | ${CATEGORIES.join(' | ')} |`);
  console.log(`|----------|${CATEGORIES.map((c) => '-'.repeat(c.length + 2)).join('|')}|`);
  for (const row of rows) console.log(row);
  console.log(failures.length === 0 ? '\nNo audit failed.' : `\nAudits below 100:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  console.log(`\n${weights.join(' · ')}\nScreenshots: ${SHOTS.pathname}{${TEMPLATE_SITES.map((s) => s.template).join(',')}}-{desktop,phone}.png`);
}

await main();
