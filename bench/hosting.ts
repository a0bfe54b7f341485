/**
 * Public page throughput over real HTTP (autocannon in this process, the servers in a child process so they do not
 * share an event loop with the load generator). In one run, three alternating rounds each, median req/s of:
 *   - the cached page by Host header (custom domain) vs the cached page by path (`/sites/:slug` of a live
 *     site without a domain: a site with one redirects its path there)                           (aim ≥ 0.9)
 *   - the cached page vs a bare Fastify hello                                                     (aim ≥ 0.8)
 *   - a cold page (cache off: PAGE_CACHE_MAX_ENTRIES=0) vs bare Fastify + `pg` running the same
 *     SQL and the same renderer (byte-identical HTML and ETag)                                    (aim ≥ 0.8)
 *   - a 304 for a matching If-None-Match vs a bare Fastify hello
 * The app runs without request logging (logger: false), so the figures are those of the serving path.
 *
 * Usage (migrates and seeds the database; Temporal is not needed):
 *   createdb -h 127.0.0.1 -U postgres webmagic_bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/webmagic_bench npm run bench:hosting [seconds-per-round=3]
 */
import { fork } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../api/app.js';
import { PAGE_SELECT, pageFor, type PageRow } from '../api/hosting/site-pages.js';
import { Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { seedDemoSites } from '../db/scripts/seed.js';
import { loadConfig } from '../lib/config.js';
import { createTemporalClient } from '../lib/temporal/client.js';

const DOMAIN = 'www.example-plumber.test';
type Ports = Record<'app' | 'cold' | 'hello' | 'pg', number>;

async function serve(): Promise<void> {
  const config = loadConfig();
  const orm = await openOrm(config.database);
  await orm.migrator.up();
  await seedDemoSites(orm.em.fork(), config.pricing);
  await orm.em.fork().nativeUpdate(Site, { slug: 'plumber-joe' }, { customDomain: DOMAIN, status: 'active' });
  // The page by path is a live site whose canonical address is its path (plumber-joe's path redirects to its domain).
  await orm.em.fork().nativeUpdate(Site, { slug: 'roofer-bob' }, { status: 'active' });
  const temporal = createTemporalClient(config.temporal);
  const app = await buildApp({ config, orm, temporal }, { logger: false });
  const coldConfig = { ...config, hosting: { ...config.hosting, pageCacheMaxEntries: 0 } };
  const cold = await buildApp({ config: coldConfig, orm, temporal }, { logger: false });

  const hello = Fastify({ logger: false });
  hello.get('/', async () => ({ hello: 'world' }));
  const pool = new pg.Pool({ connectionString: config.database.url, max: config.database.poolMax });
  const bare = Fastify({ logger: false });
  bare.get('/sites/:slug', async (request, reply) => {
    const { rows } = await pool.query<PageRow>(`${PAGE_SELECT} where s.slug = $1`, [(request.params as { slug: string }).slug]);
    const [row] = rows;
    if (!row) return reply.code(404).send('not found');
    const page = pageFor(row, { addresses: config });
    return reply.code(page.statusCode).headers(page.headers).send(page.body);
  });
  const listen = async (server: FastifyInstance) => {
    await server.listen({ host: '127.0.0.1', port: 0 });
    return (server.server.address() as { port: number }).port;
  };
  const ports: Ports = { app: await listen(app), cold: await listen(cold), hello: await listen(hello), pg: await listen(bare) };
  process.send?.(ports);
  process.once('disconnect', () => process.exit(0));
}

async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, connections: 20, pipelining: 1, duration: seconds, headers });
  if (result.non2xx > 0 && !headers['if-none-match']) throw new Error(`${url} answered ${result.non2xx} non-2xx responses`);
  return result.requests.average;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 3);
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { execArgv: ['--import', 'tsx'] });
  const ports = await new Promise<Ports>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Ports));
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  try {
    const base = (port: number) => `http://127.0.0.1:${port}`;
    const etag = await new Promise<string>((resolve, reject) => {
      get(`${base(ports.app)}/`, { headers: { host: DOMAIN } }, (res) => {
        res.resume();
        resolve(String(res.headers.etag ?? ''));
      }).on('error', reject);
    });
    const runs = {
      'page by Host (cached)': () => load(`${base(ports.app)}/`, seconds, { host: DOMAIN }),
      'page by path (cached)': () => load(`${base(ports.app)}/sites/roofer-bob`, seconds),
      '304 by Host (cached)': () => load(`${base(ports.app)}/`, seconds, { host: DOMAIN, 'if-none-match': etag }),
      'page by path (cold)': () => load(`${base(ports.cold)}/sites/roofer-bob`, seconds),
      'bare Fastify hello': () => load(`${base(ports.hello)}/`, seconds),
      'bare Fastify + pg, same SQL': () => load(`${base(ports.pg)}/sites/roofer-bob`, seconds),
    };
    const samples = Object.fromEntries(Object.keys(runs).map((name) => [name, [] as number[]]));
    for (let round = 0; round < 3; round++) {
      for (const [name, run] of Object.entries(runs)) samples[name]?.push(await run());
    }
    const rate = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
    const row = (label: string, app: string, baseline: string, aim: number) => {
      const ratio = (rate[app] ?? 0) / (rate[baseline] ?? 1);
      console.log(`${label.padEnd(34)} ${(rate[app] ?? 0).toFixed(0).padStart(7)} req/s  vs ${baseline} ${(rate[baseline] ?? 0).toFixed(0).padStart(7)} req/s  ratio ${ratio.toFixed(2)} (aim ≥ ${aim})`);
    };
    console.log(`public pages, ${seconds}s × 3 alternating rounds, median, 20 connections`);
    row('page by Host vs by path (cached)', 'page by Host (cached)', 'page by path (cached)', 0.9);
    row('cached page vs bare hello', 'page by Host (cached)', 'bare Fastify hello', 0.8);
    row('304 vs bare hello', '304 by Host (cached)', 'bare Fastify hello', 0.8);
    row('cold page vs bare pg', 'page by path (cold)', 'bare Fastify + pg, same SQL', 0.8);
  } finally {
    child.disconnect();
  }
}

if (process.argv[2] === 'serve') await serve();
else await main();
