import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Site, SiteVersion, WebhookEvent } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { PageCache, type CachedPage } from '../../api/hosting/page-cache.js';
import { SITE_CHANGES_APPLICATION } from '../../api/hosting/site-changes.js';
import { RELAY_APPLICATION } from '../../api/webhooks/relay.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { eventually } from '../helpers/eventually.js';
import { signalledEventIds } from '../helpers/history.js';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.js';
import { claimPayment, deliver, settled, siteIds } from '../helpers/webhook-inbox.js';

// The API on a PostgreSQL server of this file's own, which the tests crash and start again (the shared server is never
// stopped). The API's promise: while the database is gone or every connection is busy, a fast 503 with Retry-After.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What the API promises while its database is down or saturated: an answer within this long. */
const FAST_ANSWER_MS = 2000;
const POOL_MAX = 2;
let own: OwnPostgres;
let api: TestApi;

beforeAll(async () => {
  own = await startOwnPostgres();
  api = await createTestApi({
    DATABASE_URL: own.url, DB_POOL_MAX: String(POOL_MAX), DB_API_STATEMENT_TIMEOUT: '1s', WEBHOOK_RELAY_POLL: '200ms', WEBHOOK_RELAY_RETRY_MIN: '100ms',
  });
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await own?.remove();
});

/** A timed request to the in-process API. */
async function timed(request: InjectOptions): Promise<{ res: LightMyRequestResponse; ms: number }> {
  const started = Date.now();
  const res = await api.app.inject(request);
  return { res, ms: Date.now() - started };
}

const siteRead = { method: 'GET' as const, url: '/api/v1/sites/plumber-joe' };
const sitePage = { method: 'GET' as const, url: '/sites/plumber-joe', headers: { host: 'webmagic.test' } };

/** A fast 503 with Retry-After and the error body (JSON for the API, a page for a page address). */
function expectFastUnavailable({ res, ms }: { res: LightMyRequestResponse; ms: number }, kind: 'json' | 'page' = 'json'): void {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(ms).toBeLessThan(FAST_ANSWER_MS);
  if (kind === 'json') expect(res.json<Record<string, unknown>>()).toMatchObject({ error: 'database_unavailable', code: 'database_unavailable', message: expect.stringContaining('Try again') as unknown });
  else expect(res.body).toContain('Back in a moment');
}

/** Connections of the server named `application` (the LISTEN connections of the API processes). */
async function connectionsOf(application: string): Promise<number> {
  const client = new pg.Client({ connectionString: own.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where application_name = $1', [application]);
    return rows[0]?.n ?? 0;
  } catch {
    return -1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('the API while PostgreSQL is stopped', { timeout: 120_000 }, () => {
  it('answers 503 with Retry-After within 2 s, says it is not ready, and recovers once PostgreSQL is back', async () => {
    expect((await api.app.inject(siteRead)).statusCode).toBe(200);
    // A client held between two queries (as the relay holds one while it signals Temporal) loses its connection too:
    // that must not be an uncaught exception.
    const held = await api.app.sql.connect();
    await own.stop('immediate');
    try {
      // Pages are served uncached from the moment the change notifications stop.
      await eventually(async () => api.app.siteChanges.listening, (listening) => !listening, 30_000);
      expectFastUnavailable(await timed(siteRead));
      expectFastUnavailable(await timed({ method: 'POST', url: '/api/v1/customer/login', payload: { email: 'ana@example.com', password: 'correct horse battery' } }));
      expectFastUnavailable(await timed(sitePage), 'page');
      const ready = await timed({ method: 'GET', url: '/api/v1/health/ready', headers: { authorization: `Bearer ${api.config.auth.adminApiToken}` } });
      expect(ready.res.statusCode).toBe(503);
      expect(ready.res.json<Record<string, unknown>>()).toMatchObject({ status: 'not_ready', checks: { database: { ok: false } } });
      expect(ready.ms).toBeLessThan(FAST_ANSWER_MS);
    } finally {
      held.release(true);
      await own.start();
    }
    await eventually(async () => (await api.app.inject(siteRead)).statusCode, (status) => status === 200, 30_000);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/health/ready' })).statusCode).toBe(200);
    expect((await api.app.inject(sitePage)).statusCode).toBe(200);
  });

  it('answers a webhook it could not store with 503, so the provider redelivers it; the redelivery is applied once', async () => {
    const [siteId] = await siteIds(api);
    const body = claimPayment(siteId!);
    await own.stop('immediate');
    try {
      const refused = await deliver(api, 'msg_db_down', body);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
    } finally {
      await own.start();
    }
    // Redeliveries (the provider retries with the same svix-id) until one is stored; a later one is a duplicate.
    const stored = await eventually(() => deliver(api, 'msg_db_down', body), (res) => res.statusCode === 200, 30_000);
    expect(stored.json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(api, 'msg_db_down', body)).json()).toEqual({ received: true, duplicate: true });
    const row = await settled(api, 'msg_db_down', 30_000);
    expect(row.workflowId).toBe(workflowIds.claim(siteId!));
    expect(await api.orm.em.fork().count(WebhookEvent, { providerEventId: 'msg_db_down' })).toBe(1);
    expect(await signalledEventIds(api.temporal, workflowIds.claim(siteId!))).toEqual(['msg_db_down']);
  });
});

describe('the API while every pooled connection is held', { timeout: 60_000 }, () => {
  it('answers 503 with Retry-After within 2 s instead of waiting, on the ORM\'s pool and on the SQL pool', async () => {
    const [siteId] = await siteIds(api);
    const ormPool = await api.orm.em.getConnection().getNativeClient();
    const held = await Promise.all([
      ...Array.from({ length: POOL_MAX }, () => ormPool.connect()),
      ...Array.from({ length: POOL_MAX }, () => api.app.sql.connect()),
    ]);
    try {
      expectFastUnavailable(await timed(siteRead));
      const started = Date.now();
      const res = await deliver(api, 'msg_pool_full', claimPayment(siteId!));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(FAST_ANSWER_MS);
    } finally {
      for (const client of held) client.release();
    }
    expect((await api.app.inject(siteRead)).statusCode).toBe(200);
  });
});

describe('the API while a statement waits on a lock', { timeout: 60_000 }, () => {
  it('ends the statement at its timeout and answers 503 with Retry-After', async () => {
    const locker = new pg.Client({ connectionString: own.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table sites in access exclusive mode');
      const { res } = await timed(siteRead);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json<Record<string, unknown>>()).toMatchObject({ error: 'database_unavailable' });
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    expect((await api.app.inject(siteRead)).statusCode).toBe(200);
  });
});

describe('change notifications across a database restart', { timeout: 180_000 }, () => {
  let other: ChildProcess;
  let otherUrl: string;

  beforeAll(async () => {
    other = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/api-process.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Pages are kept for an hour: only a change notification can drop the cached one within the test.
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: own.url, TEMPORAL_ADDRESS: inject('temporalAddress'), PUBLIC_BASE_URL: 'http://webmagic.test', PAGE_CACHE_MAX_AGE: '1h' },
    });
    const port = await new Promise<number>((resolve, reject) => {
      other.once('message', (message) => resolve((message as { port: number }).port));
      other.once('exit', (code) => reject(new Error(`the API process exited with ${code}`)));
    });
    otherUrl = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(() => {
    if (other.connected) other.disconnect();
  });

  const page = async () => (await fetch(`${otherUrl}/sites/plumber-joe`, { headers: { host: 'webmagic.test' } })).text();

  it('listens again after PostgreSQL restarts, and an edit published then shows on the other API process', async () => {
    expect(await page()).toContain('Your neighbourhood plumber');
    await own.stop('immediate');
    await own.start();
    // Both API processes listen again (the relay in this one too), with back-off of at most 10 s.
    await eventually(() => connectionsOf(SITE_CHANGES_APPLICATION), (n) => n === 2, 60_000);
    await eventually(() => connectionsOf(RELAY_APPLICATION), (n) => n === 1, 60_000);
    await eventually(async () => api.app.siteChanges.listening, Boolean, 30_000);
    // Cached again by the other process, now that its notifications flow.
    expect(await page()).toContain('Your neighbourhood plumber');

    const em = api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' }, { populate: ['currentVersion'] });
    const content = { ...site.currentVersion!.content, headline: 'Open again after the restart' };
    site.currentVersion = em.create(SiteVersion, { site, versionNumber: 2, content, createdBy: 'customer', publishedAt: new Date() });
    await em.flush();
    await eventually(page, (html) => html.includes('Open again after the restart'), 30_000);
  });
});

describe('a change notification that never arrives', () => {
  const page = (body: string): CachedPage => ({ siteId: 'site-1', statusCode: 200, body: Buffer.from(body), headers: {}, etag: null, redirectHost: null, canonical: null });

  it('leaves a page in the cache for PAGE_CACHE_MAX_AGE at most', () => {
    let now = 0;
    const cache = new PageCache(10, { maxAgeMs: 60_000, now: () => now });
    cache.setActive(true);
    cache.set('slug:plumber-joe', page('before the edit'), cache.currentGeneration);
    now = 59_999;
    expect(cache.get('slug:plumber-joe')?.body.toString()).toBe('before the edit');
    now = 60_000;
    expect(cache.get('slug:plumber-joe')).toBeUndefined();
    cache.set('slug:plumber-joe', page('after the edit'), cache.currentGeneration);
    expect(cache.get('slug:plumber-joe')?.body.toString()).toBe('after the edit');
  });
});
