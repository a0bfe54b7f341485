/**
 * A bench server in its own process (so it does not share a core with the load generator): `app` is the real API
 * (default log level, logs to stdout), `bare` the baselines — Fastify hello, the page with the same SQL and
 * rendering, my-sites with `pg` + `jose`, one `INSERT … ON CONFLICT` per webhook, argon2 verify for login —
 * and `obliged` Fastify hello with the app's security headers and request line.
 * Sends `{ port }` to the parent over IPC once listening. Usage: `server.ts app|bare|obliged <bench account password>`.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import pg from 'pg';
import pino from 'pino';
import { API_PREFIX, buildApp } from '../api/app.js';
import { SECURITY_HEADERS, securityHeadersPlugin } from '../api/plugins/security-headers.js';
import { BatchedStdout, echoRequestId, OneLinePerRequest } from '../api/request-log.js';
import { PAGE_SELECT, pageFor, type PageRow } from '../api/hosting/site-pages.js';
import { openOrm } from '../db/orm.js';
import { hashPassword, verifyPassword } from '../lib/auth/passwords.js';
import { loadConfig } from '../lib/config.js';
import { siteUrl } from '../lib/urls.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { addBareInsertRoute, WEBHOOK_INBOX_BASELINE } from './bare-insert.js';

const BENCH_PASSWORD = process.argv[3] ?? '';
const config = loadConfig();

async function startApp(): Promise<number> {
  const orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  const app = await buildApp({ config, orm, temporal });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

async function startBare(): Promise<number> {
  const pool = new pg.Pool({ connectionString: config.database.url, max: config.database.poolMax });
  const key = new TextEncoder().encode(config.auth.jwtSecret);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/hello', async () => ({ hello: 'world' }));

  // The same query and rendering as the API's page loader, without its cache, plugins or hooks.
  app.get<{ Params: { slug: string } }>('/sites/:slug', async (request, reply) => {
    const { rows: [row] } = await pool.query<PageRow>(`${PAGE_SELECT} where s.slug = $1`, [request.params.slug]);
    if (!row) return reply.status(404).send('not found');
    const page = pageFor(row, { addresses: config });
    if (page.etag !== null && request.headers['if-none-match'] === page.etag) return reply.code(304).headers(page.headers).send(null);
    return reply.code(page.statusCode).headers(page.headers).send(page.body);
  });

  app.get('/my-sites', async (request, reply) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return reply.status(401).send({ error: 'unauthorized' });
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'webmagic', audience: 'webmagic:customer' });
    const { rows } = await pool.query<Record<string, unknown> & { slug: string }>(
      `select s.id as site_id, s.slug, s.title as site_title, s.status, s.subscription_status, o.is_primary, o.role, o.acquired_at, s.purchased_at,
              s.purchase_amount_cents, s.monthly_amount_cents, s.currency, s.next_billing_date, s.grace_ends_at, s.custom_domain
         from customer_site_ownership o join sites s on s.id = o.site_id where o.customer_id = $1 order by o.is_primary desc, o.acquired_at asc`,
      [payload.sub],
    );
    const sites = rows.map((row) => ({ ...row, site_url: siteUrl(config, row.slug) }));
    return { sites, total: sites.length, has_multiple_sites: sites.length > 1 };
  });

  await addBareInsertRoute(app, pool, WEBHOOK_INBOX_BASELINE);

  app.post('/login', async () => ({ ok: await verifyPassword(passwordHash, BENCH_PASSWORD) }));

  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

/**
 * Fastify hello carrying what every answer of the app must carry: the same security headers (the API set under
 * `/api/v1/hello`, the document set on `/hello`), an `x-request-id` and the same request line on the same batched
 * stdout. Against it, the app's cost over a route that must do that much.
 */
async function startObliged(): Promise<number> {
  const stdout = new BatchedStdout();
  const app = Fastify({
    loggerInstance: pino({ level: 'info' }, stdout),
    logController: new OneLinePerRequest(pino({ level: 'info' }, stdout)),
    childLoggerFactory: (parent) => parent,
    genReqId: () => randomUUID(),
  });
  await app.register(securityHeadersPlugin, { helmet: SECURITY_HEADERS, apiPrefix: `${API_PREFIX}/` });
  app.addHook('onRequest', echoRequestId);
  app.get('/hello', async () => ({ hello: 'world' }));
  app.get(`${API_PREFIX}/hello`, async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

const starters = { app: startApp, bare: startBare, obliged: startObliged };
const port = await starters[process.argv[2] as keyof typeof starters]();
process.send?.({ port });
