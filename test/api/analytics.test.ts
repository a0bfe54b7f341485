import { Writable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { recordServerEvent, SERVER_EVENT_COLUMNS, storeHits, type CollectedHit, type ServerEventType } from '../../db/analytics.js';
import { DURATION_BUCKETS } from '../../lib/analytics/rollups.js';
import { analyticsReport, medianFromBuckets, type AnalyticsReport } from '../../db/analytics-reports.js';
import { Site } from '../../db/entities/index.js';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { issueFormToken } from '../../lib/analytics/form-token.js';
import type { AppConfig } from '../../lib/config.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { resetDatabase, testConfig } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import type { TestApi } from '../helpers/api.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const IPV4 = '203.0.113.195';
const IPV6 = '2001:db8:85a3:8d3:1319:8a2e:370:7348';
const ADMIN = { authorization: 'Bearer dev-admin-token' };

let api: TestApi;
let app: FastifyInstance;
let config: AppConfig;
let orm: MikroORM;
let log = '';

beforeAll(async () => {
  config = testConfig({ LOG_LEVEL: 'info', ANALYTICS_FLUSH_INTERVAL: '1h', BOOKING_MIN_FILL_TIME: '2s', BOOKING_MAX_PER_IP: '3' });
  orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  const logStream = new Writable({ write(chunk: Buffer, _enc, done) { log += chunk.toString(); done(); } });
  app = await buildApp({ config, orm, temporal }, { logStream });
  api = { config, orm, temporal, app, close: async () => { await app.close(); await temporal.connection.close(); await orm.close(); } };
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(orm);
  await seedDemoSites(orm.em.fork(), config.pricing);
  app.siteDirectory.clear();
  log = '';
});

async function siteId(slug: string): Promise<string> {
  return (await orm.em.fork().findOneOrFail(Site, { slug })).id;
}

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().execute<T[]>(query, params);
}

function collect(body: unknown, options: { ip?: string; headers?: Record<string, string>; json?: boolean } = {}) {
  return app.inject({
    method: 'POST', url: '/api/v1/collect', remoteAddress: options.ip ?? IPV4,
    headers: { 'user-agent': BROWSER, 'content-type': options.json ? 'application/json' : 'text/plain', origin: 'http://webmagic.test', ...options.headers },
    payload: JSON.stringify(body),
  });
}

const view = (extra: Record<string, unknown> = {}) => ({ type: 'page_view', path: '/sites/plumber-joe', ...extra });

async function everyAnalyticsRow(): Promise<string> {
  const tables = ['visitor_sessions', 'analytics_events', 'analytics_hourly', 'analytics_hourly_dimensions', 'analytics_daily_dimensions', 'experiment_assignments', 'bookings'];
  const dumps = await Promise.all(tables.map((t) => sql<{ row: string }>(`select row_to_json(t)::text as row from ${t} t`)));
  return dumps.flat().map((r) => r.row).join('\n');
}

describe('collection', () => {
  it('stores a page view with UTM, referrer host and device, keeping only the truncated IPv4 — in the database and in the log', async () => {
    const res = await collect({ site: 'plumber-joe', events: [view({ search: '?utm_source=Google&utm_campaign=spring', referrer: 'https://www.google.com/search?q=x' })] });
    expect(res.statusCode, res.body).toBe(204);
    await app.analyticsCollector.flush();
    const [session] = await sql<Record<string, unknown>>(`select * from visitor_sessions`);
    expect(session).toMatchObject({ ip_truncated: '203.0.113.0', utm_source: 'google', utm_campaign: 'spring', referrer: 'google.com', landing_path: '/sites/plumber-joe', device_class: 'desktop', page_views: 1 });
    const rows = await everyAnalyticsRow();
    expect(rows).not.toContain(IPV4);
    expect(log).toContain('203.0.113.0');
    expect(log).not.toContain(IPV4);
  });

  it('keeps only the /48 of an IPv6 address, in the database and in the log', async () => {
    expect((await collect({ site: 'plumber-joe', events: [view()] }, { ip: IPV6, json: true })).statusCode).toBe(204);
    await app.analyticsCollector.flush();
    const [session] = await sql<{ ip_truncated: string }>(`select ip_truncated from visitor_sessions`);
    expect(session?.ip_truncated).toBe('2001:db8:85a3::');
    for (const text of [await everyAnalyticsRow(), log]) {
      expect(text).not.toContain(IPV6);
      expect(text).not.toContain('8a2e');
    }
  });

  it('stores nothing for DNT: 1 or Sec-GPC: 1', async () => {
    expect((await collect({ site: 'plumber-joe', events: [view()] }, { headers: { dnt: '1' } })).statusCode).toBe(204);
    expect((await collect({ site: 'plumber-joe', events: [view()] }, { headers: { 'sec-gpc': '1' } })).statusCode).toBe(204);
    await app.analyticsCollector.flush();
    expect(await everyAnalyticsRow()).toBe('');
  });

  it('counts bots apart: a bot view adds to bot_views and creates no session', async () => {
    await collect({ site: 'plumber-joe', events: [view()] }, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } });
    await collect({ site: 'plumber-joe', events: [view()] }, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0.0.0 Safari/537.36' } });
    await collect({ site: 'plumber-joe', events: [view()] });
    await app.analyticsCollector.flush();
    const [hourly] = await sql<{ bot_views: number; page_views: number; sessions: number }>(`select bot_views, page_views, sessions from analytics_hourly`);
    expect(hourly).toEqual({ bot_views: 2, page_views: 1, sessions: 1 });
    expect(await sql(`select id from visitor_sessions`)).toHaveLength(1);
  });

  it('answers CORS only for the site\'s own hosts and rejects bad input with 4xx, storing nothing', async () => {
    const own = await collect({ site: 'plumber-joe', events: [view()] }, { headers: { origin: 'http://webmagic.test' } });
    expect(own.statusCode).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe('http://webmagic.test');
    const foreign = await collect({ site: 'plumber-joe', events: [view()] }, { headers: { origin: 'https://evil.example' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: 'origin_not_allowed' });
    const unsigned = await app.inject({ method: 'POST', url: '/api/v1/collect', remoteAddress: IPV4, headers: { 'user-agent': BROWSER, 'content-type': 'text/plain' }, payload: JSON.stringify({ site: 'plumber-joe', events: [view()] }) });
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.json()).toMatchObject({ error: 'origin_required' });
    expect((await collect({ site: 'nope-site', events: [view()] })).statusCode).toBe(404);
    expect((await collect({ site: 'plumber-joe', events: [] })).statusCode).toBe(400);
    expect((await collect({ site: 'plumber-joe', events: [{ type: 'hack', path: '/' }] })).statusCode).toBe(400);
    const broken = await app.inject({ method: 'POST', url: '/api/v1/collect', headers: { 'content-type': 'text/plain' }, payload: '{not json' });
    expect(broken.statusCode).toBe(400);
    await app.analyticsCollector.flush();
    expect(await sql(`select id from visitor_sessions`)).toHaveLength(1);
  });

  it('serves the page script, and hosted pages include it with the contact form', async () => {
    const script = await app.inject({ method: 'GET', url: '/_wm/a.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toContain('sendBeacon');
    const page = await app.inject({ method: 'GET', url: '/sites/plumber-joe' });
    expect(page.body).toContain('<script src="/_wm/a.js" defer data-site="plumber-joe"');
    expect(page.body).toContain('data-wm-booking');
    expect(page.body).toContain('data-wm-slot="headline"');
  });
});

function hit(siteIdValue: string, visitor: string, at: Date, extra: Partial<CollectedHit> = {}): CollectedHit {
  return {
    siteId: siteIdValue, visitorId: visitor, truncatedIp: '198.51.100.0', deviceClass: 'mobile', at, type: 'page_view', path: '/', target: null,
    referrerHost: null, utm: { source: null, medium: null, campaign: null, term: null, content: null }, ...extra,
  };
}

describe('sessions and roll-ups', () => {
  const t0 = new Date('2026-11-20T10:05:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const utm = (source: string) => ({ source, medium: null, campaign: null, term: null, content: null });

  it('continues a session within 30 minutes of inactivity, takes UTM from its first view only, and starts a new one after', async () => {
    const site = await siteId('plumber-joe');
    const timeout = config.analytics.sessionTimeoutMs;
    await storeHits(orm.em.fork(), [hit(site, 'v1', at(0), { utm: utm('newsletter') }), hit(site, 'v1', at(20), { utm: utm('google') })], [], timeout);
    await storeHits(orm.em.fork(), [hit(site, 'v1', at(49), { utm: utm('facebook') })], [], timeout);
    await storeHits(orm.em.fork(), [hit(site, 'v1', at(80), { utm: utm('bing') })], [], timeout);
    const sessions = await sql<{ utm_source: string; page_views: number; started_at: Date; last_seen_at: Date }>(`select utm_source, page_views, started_at, last_seen_at from visitor_sessions order by started_at`);
    expect(sessions.map((s) => [s.utm_source, s.page_views])).toEqual([['newsletter', 3], ['bing', 1]]);
    expect(new Date(sessions[0]!.last_seen_at).getTime() - new Date(sessions[0]!.started_at).getTime()).toBe(49 * 60_000);
    const [totals] = await sql<{ visitors: number; sessions: number; bounces: number; duration: number }>(
      `select sum(visitors)::int as visitors, sum(sessions)::int as sessions, sum(bounces)::int as bounces, sum(duration_seconds)::int as duration from analytics_hourly`,
    );
    expect(totals).toEqual({ visitors: 1, sessions: 2, bounces: 1, duration: 49 * 60 });
  });

  it('keeps the roll-ups equal to counts over the raw sessions and events', async () => {
    const sites = [await siteId('plumber-joe'), await siteId('roofer-bob')];
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const hits: CollectedHit[] = [];
    for (let i = 0; i < 600; i++) {
      const minutes = Math.floor(random() * 600);
      const cta = random() < 0.2;
      hits.push(hit(sites[i % 2]!, `visitor-${Math.floor(random() * 40)}`, at(minutes), {
        type: cta ? 'cta_click' : 'page_view', target: cta ? (['call', 'email', 'claim'] as const)[Math.floor(random() * 3)]! : null,
        path: `/p${Math.floor(random() * 4)}`, utm: utm(['google', 'facebook', 'x'][Math.floor(random() * 3)]!), referrerHost: random() < 0.5 ? 'google.com' : null,
      }));
    }
    for (let i = 0; i < hits.length; i += 97) await storeHits(orm.em.fork(), hits.slice(i, i + 97), [], config.analytics.sessionTimeoutMs);

    const [rolled] = await sql<Record<string, number>>(`select sum(visitors)::int as visitors, sum(sessions)::int as sessions, sum(page_views)::int as page_views,
      sum(bounces)::int as bounces, sum(duration_seconds)::int as duration, sum(cta_call + cta_email + cta_claim)::int as ctas from analytics_hourly`);
    const [raw] = await sql<Record<string, number>>(`select
      (select count(distinct (site_id, visitor_id))::int from visitor_sessions) as visitors,
      (select count(*)::int from visitor_sessions) as sessions,
      (select count(*)::int from analytics_events where type = 'page_view') as page_views,
      (select count(*)::int from visitor_sessions where page_views <= 1) as bounces,
      (select coalesce(sum(floor(extract(epoch from last_seen_at - started_at))), 0)::int from visitor_sessions) as duration,
      (select count(*)::int from analytics_events where type = 'cta_click') as ctas`);
    expect(rolled).toEqual(raw);
    const perHour = await sql<{ hour: Date; sessions: number; raw: number }>(`select h.hour, h.sessions, (select count(*)::int from visitor_sessions s where s.site_id = h.site_id and date_trunc('hour', s.started_at) = h.hour) as raw from analytics_hourly h`);
    for (const row of perHour) expect(row.sessions).toBe(row.raw);
    const dims = await sql<{ dimension: string; rolled: number; raw: number }>(`select d.dimension, sum(d.sessions)::int as rolled, (select count(*)::int from visitor_sessions) as raw
      from analytics_hourly_dimensions d where d.dimension in ('device', 'duration', 'landing_path') group by d.dimension`);
    for (const d of dims) expect(d.rolled, d.dimension).toBe(d.raw);
    expect(raw!.sessions).toBeGreaterThan(80);
  });
});

/** The raw column each top list counts sessions by. */
const TOP_COLUMNS = { utm_source: 'utm_source', utm_medium: 'utm_medium', utm_campaign: 'utm_campaign', referrer: 'referrer', landing_path: 'landing_path', device: 'device_class' } as const;

/**
 * The dashboard's figures counted straight from the raw sessions and events: session figures by the hour the session
 * started, event counts by the hour of the event, a visitor by the hour of their first session.
 */
async function rawFigures(site: string | null, from: Date, to: Date): Promise<Pick<AnalyticsReport, 'totals' | 'top' | 'medianSessionSeconds'>> {
  const args = [from.toISOString(), to.toISOString(), site];
  const bounds = `with b as (select ?::timestamptz as lo, ?::timestamptz as hi, ?::uuid as site)`;
  const inRange = (column: string) => `date_trunc('hour', ${column}, 'UTC') >= b.lo and date_trunc('hour', ${column}, 'UTC') < b.hi and (b.site is null or site_id = b.site)`;
  const sessions = `(select v.* from visitor_sessions v, b where ${inRange('started_at')}) s`;
  const events = (type: string, target?: string) =>
    `(select count(*)::int from analytics_events, b where type = '${type}'${target ? ` and properties->>'target' = '${target}'` : ''} and ${inRange('at')})`;
  const [totals] = await sql<AnalyticsReport['totals']>(`${bounds} select
      (select count(*)::int from (select site_id, min(started_at) as first from visitor_sessions group by site_id, visitor_id) f, b where ${inRange('first')}) as visitors,
      (select count(*)::int from ${sessions}) as sessions,
      ${events('page_view')} as "pageViews",
      (select count(*)::int from ${sessions} where page_views <= 1) as bounces,
      (select coalesce(sum(floor(extract(epoch from last_seen_at - started_at))), 0)::float8 from ${sessions}) as "durationSeconds",
      0 as "botViews",
      ${events('cta_click', 'call')} as "ctaCall", ${events('cta_click', 'email')} as "ctaEmail", ${events('cta_click', 'claim')} as "ctaClaim",
      ${events('booking_submitted')} as bookings, ${events('claim_started')} as "claimsStarted", ${events('checkout_opened')} as "checkoutsOpened",
      ${events('purchase_completed')} as purchases`, args);
  const top = Object.fromEntries(await Promise.all(Object.entries(TOP_COLUMNS).map(async ([dimension, column]) => [dimension, await sql<{ value: string; sessions: number }>(
    `${bounds} select ${column} as value, count(*)::int as sessions from ${sessions} where ${column} <> '' group by ${column} order by sessions desc, value limit 10`, args,
  )]))) as AnalyticsReport['top'];
  const durations = await sql<{ seconds: number }>(`${bounds} select floor(extract(epoch from last_seen_at - started_at))::int as seconds from ${sessions}`, args);
  const buckets = new Map<number, number>();
  for (const { seconds } of durations) {
    const bucket = DURATION_BUCKETS.filter((lower) => seconds >= lower).at(-1)!;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return { totals: totals!, top, medianSessionSeconds: medianFromBuckets(buckets) };
}

describe('dashboard over days', () => {
  const day0 = new Date('2026-11-16T00:00:00Z');
  const at = (hours: number) => new Date(day0.getTime() + hours * 3_600_000);

  it('reads whole days from the daily roll-up and the partial days at the edges by hour, giving the figures of the raw events', async () => {
    const sites = [await siteId('plumber-joe'), await siteId('roofer-bob')];
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
    const hits: CollectedHit[] = [];
    for (let visit = 0; visit < 500; visit++) {
      const start = at(random() * 96);
      const site = sites[visit % 2]!;
      const visitor = `visitor-${start.toISOString().slice(0, 10)}-${Math.floor(random() * 60)}`;
      const first = {
        path: `/p${Math.floor(random() * 14)}`, deviceClass: pick(['mobile', 'desktop', 'tablet']), referrerHost: pick([null, 'google.com', 'bing.com', 'news.example']),
        utm: { source: pick([null, ...Array.from({ length: 12 }, (_, i) => `source-${i}`)]), medium: pick([null, 'cpc', 'email']), campaign: pick([null, 'spring', 'autumn']), term: null, content: null },
      };
      let minutes = 0;
      for (let page = Math.floor(random() * 4); page >= 0; page--) {
        const cta = random() < 0.15;
        hits.push(hit(site, visitor, new Date(start.getTime() + minutes * 60_000), { ...first, type: cta ? 'cta_click' : 'page_view', target: cta ? pick(['call', 'email', 'claim'] as const) : null }));
        minutes += random() * 25;
      }
    }
    hits.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (let i = 0; i < hits.length; i += 97) await storeHits(orm.em.fork(), hits.slice(i, i + 97), [], config.analytics.sessionTimeoutMs);
    const types = Object.keys(SERVER_EVENT_COLUMNS) as ServerEventType[];
    for (let i = 0; i < 40; i++) {
      await recordServerEvent(orm.em.fork(), { siteId: pick(sites), type: pick(types), at: at(random() * 96), dedupeKey: `dashboard-test-${i}` }, config.analytics.sessionTimeoutMs);
    }

    const dailyDiffers = await sql(`select * from analytics_daily_dimensions d
      full join (select site_id, date_trunc('day', hour, 'UTC') as day, dimension, value, sum(sessions)::int as sessions from analytics_hourly_dimensions group by 1, 2, 3, 4) h
        using (site_id, day, dimension, value)
      where coalesce(d.sessions, 0) <> coalesce(h.sessions, 0)`);
    expect(dailyDiffers).toEqual([]);

    const mixed = { from: at(7 + 20 / 60), to: at(3 * 24 + 15 + 40 / 60) };
    const ranges = [
      { ...mixed, site: sites[0]! },
      { ...mixed, site: null },
      { from: at(24), to: at(3 * 24), site: sites[1]! },
      { from: at(24 + 3.5), to: at(24 + 20), site: sites[0]! },
      { from: at(23.5), to: at(24 + 1.5), site: sites[1]! },
    ];
    for (const { from, to, site } of ranges) {
      const report = await analyticsReport(orm.em.fork(), site, from, to);
      const label = `${site ?? 'all sites'} ${from.toISOString()}..${to.toISOString()}`;
      expect({ totals: report.totals, top: report.top, medianSessionSeconds: report.medianSessionSeconds }, label).toEqual(await rawFigures(site, from, to));
    }
    // The mixed range's partial first and last days hold data, and its top lists are cut at ten.
    expect((await rawFigures(sites[0]!, mixed.from, at(24))).totals.sessions).toBeGreaterThan(0);
    expect((await rawFigures(sites[0]!, at(3 * 24), mixed.to)).totals.sessions).toBeGreaterThan(0);
    const whole = await rawFigures(null, mixed.from, mixed.to);
    expect(whole.top.landing_path).toHaveLength(10);
    expect(whole.totals.bookings + whole.totals.claimsStarted + whole.totals.checkoutsOpened + whole.totals.purchases).toBeGreaterThan(0);
  });
});

describe('bookings', () => {
  const oldToken = (slug: string) => issueFormToken(config.analytics.salt, slug, Date.now() - 5000);
  const book = (body: Record<string, unknown>, ip = IPV4, slug = 'plumber-joe') =>
    app.inject({ method: 'POST', url: `/api/v1/sites/${slug}/bookings`, remoteAddress: ip, headers: { 'user-agent': BROWSER }, payload: body });
  const valid = () => ({ name: 'Luis Pérez', email: 'luis@example.com', message: 'Leaking sink', form_token: oldToken('plumber-joe') });

  it('applies the spam rules: token required, minimum fill time, honeypot, a contact, and a rate limit per IP and site', async () => {
    expect((await book({ ...valid(), form_token: 'x' })).json()).toMatchObject({ error: 'form_invalid' });
    const fresh = await app.inject({ method: 'GET', url: '/api/v1/sites/plumber-joe/bookings/form-token' });
    const tooFast = await book({ ...valid(), form_token: fresh.json<{ token: string }>().token }, '198.51.100.1');
    expect(tooFast.statusCode).toBe(400);
    expect(tooFast.json()).toMatchObject({ error: 'form_too_fast' });
    expect((await book({ ...valid(), form_token: oldToken('roofer-bob') }, '198.51.100.2')).json()).toMatchObject({ error: 'form_invalid' });
    const honeypot = await book({ ...valid(), website: 'http://spam.example' }, '198.51.100.3');
    expect(honeypot.statusCode).toBe(202);
    expect((await book({ name: 'No Contact', form_token: oldToken('plumber-joe') }, '198.51.100.4')).json()).toMatchObject({ error: 'contact_required' });
    expect(await sql(`select id from bookings`)).toHaveLength(0);

    for (let i = 0; i < 3; i++) expect((await book(valid(), '192.0.2.10')).statusCode).toBe(202);
    const limited = await book(valid(), '192.0.2.10');
    expect(limited.statusCode).toBe(429);
    expect((await book({ ...valid(), form_token: oldToken('roofer-bob') }, '192.0.2.10', 'roofer-bob')).statusCode).toBe(202);
    expect(await sql(`select id from bookings`)).toHaveLength(4);
    const [counted] = await sql<{ bookings: number }>(`select sum(bookings)::int as bookings from analytics_hourly`);
    expect(counted?.bookings).toBe(4);
  });

  it('lets the owner list and mark bookings of their site only (403 foreign, 404 unknown)', async () => {
    await book(valid(), '192.0.2.20');
    const plumber = await siteId('plumber-joe');
    const roofer = await siteId('roofer-bob');
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const auth = { authorization: `Bearer ${token}` };
    const list = await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${plumber}/bookings`, headers: auth });
    expect(list.statusCode, list.body).toBe(200);
    const [booking] = list.json<{ bookings: { id: string; status: string; email: string }[] }>().bookings;
    expect(booking).toMatchObject({ status: 'new', email: 'luis@example.com' });
    const marked = await app.inject({ method: 'PATCH', url: `/api/v1/customer/sites/${plumber}/bookings/${booking!.id}`, headers: auth, payload: { status: 'contacted' } });
    expect(marked.json()).toMatchObject({ status: 'contacted' });
    expect((await app.inject({ method: 'PATCH', url: `/api/v1/customer/sites/${plumber}/bookings/${booking!.id}`, headers: auth, payload: { status: 'weird' } })).statusCode).toBe(400);

    for (const url of [`/api/v1/customer/sites/${roofer}/bookings`, `/api/v1/customer/sites/${roofer}/analytics`]) {
      expect((await app.inject({ method: 'GET', url, headers: auth })).statusCode, url).toBe(403);
    }
    expect((await app.inject({ method: 'PATCH', url: `/api/v1/customer/sites/${roofer}/bookings/${booking!.id}`, headers: auth, payload: { status: 'spam' } })).statusCode).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${unknown}/bookings`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${unknown}/analytics`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${plumber}/bookings` })).statusCode).toBe(401);
  });
});

describe('owner and admin analytics', () => {
  it('counts each funnel step in sessions that also did the step before, so no step passes 100 %', async () => {
    const call = { type: 'cta_click', path: '/sites/plumber-joe', target: 'call' };
    await collect({ site: 'plumber-joe', events: [view(), call, call, { ...call, target: 'email' }, { ...call, target: 'call' }] });
    await collect({ site: 'plumber-joe', events: [view()] }, { ip: '198.51.100.78' });
    await app.analyticsCollector.flush();
    const { token } = await signedInOwner(api, 'funnel@example.com', ['plumber-joe']);
    const res = await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${await siteId('plumber-joe')}/analytics`, headers: { authorization: `Bearer ${token}` } });
    const report = res.json<{ totals: { ctaCall: number }; funnels: { contact: { step: string; count: number; rate: number }[] } }>();
    expect(report.totals.ctaCall).toBe(3);
    expect(report.funnels.contact).toEqual([{ step: 'visits', count: 2, rate: 1 }, { step: 'contacts', count: 1, rate: 0.5 }, { step: 'bookings', count: 0, rate: 0 }]);
  });

  it('reads the dashboard from the roll-ups: visitors, sources, funnel, bookings', async () => {
    await collect({ site: 'plumber-joe', events: [view({ search: '?utm_source=google' }), { type: 'cta_click', path: '/sites/plumber-joe', target: 'claim' }] });
    await collect({ site: 'plumber-joe', events: [view(), { type: 'cta_click', path: '/sites/plumber-joe', target: 'call' }] }, { ip: '198.51.100.77' });
    await app.analyticsCollector.flush();
    const plumber = await siteId('plumber-joe');
    const { token } = await signedInOwner(api, 'dash@example.com', ['plumber-joe']);
    const res = await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${plumber}/analytics`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{ totals: Record<string, number>; top: { utm_source: { value: string }[] }; funnels: { claim: { step: string; count: number }[]; contact: { count: number }[] }; bounceRate: number; daily: { date: string; pageViews: number }[] }>();
    expect(report.totals).toMatchObject({ visitors: 2, sessions: 2, pageViews: 2, ctaClaim: 1, ctaCall: 1 });
    expect(report.bounceRate).toBe(1);
    expect(report.top.utm_source).toEqual([{ value: 'google', sessions: 1 }]);
    expect(report.funnels.claim.map((s) => s.count)).toEqual([2, 1, 0, 0]);
    expect(report.funnels.contact[1]!.count).toBe(1);
    // The default range is the last 30 days: 31 UTC dates, today's holding both visits.
    expect(report.daily).toHaveLength(31);
    expect(report.daily.at(-1)).toEqual({ date: new Date().toISOString().slice(0, 10), visitors: 2, sessions: 2, pageViews: 2 });
    expect(report.daily.slice(0, -1).every((d) => d.pageViews === 0)).toBe(true);
    expect((await app.inject({ method: 'GET', url: `/api/v1/customer/sites/${plumber}/analytics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(400);

    const adminCall = await app.inject({ method: 'GET', url: '/api/v1/admin/analytics', headers: ADMIN });
    expect(adminCall.statusCode, adminCall.body).toBe(200);
    expect(adminCall.json<{ sites: { slug: string; visitors: number }[] }>().sites).toEqual([expect.objectContaining({ slug: 'plumber-joe', visitors: 2 })]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/analytics', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});

describe('A/B tests', () => {
  async function runningExperiment(): Promise<string> {
    const plumber = await siteId('plumber-joe');
    const created = await app.inject({
      method: 'POST', url: '/api/v1/admin/experiments', headers: ADMIN,
      payload: { key: 'claim-text', site_id: plumber, slot: 'claim_text', goal: 'cta_click:claim', variants: [{ name: 'control', weight: 1, content: 'Claim it' }, { name: 'bold', weight: 1, content: 'Make it yours today' }] },
    });
    const id = created.json<{ id: string }>().id;
    await app.inject({ method: 'POST', url: `/api/v1/admin/experiments/${id}/start`, headers: ADMIN });
    return id;
  }

  it('cannot be rigged from one address: new visitors past its exposure limit get control and are not counted', async () => {
    const id = await runningExperiment();
    const served: string[] = [];
    for (let i = 0; i < config.analytics.maxExposuresPerClient + 5; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/collect/variants?site=plumber-joe', remoteAddress: '198.51.100.77', headers: { 'user-agent': `${BROWSER} rotate/${i}` } });
      served.push(res.json<{ variants: { content: string }[] }>().variants[0]!.content);
    }
    expect(served.slice(config.analytics.maxExposuresPerClient)).toEqual(Array(5).fill('Claim it'));
    expect(await sql(`select id from experiment_assignments where experiment_id = ?`, [id])).toHaveLength(config.analytics.maxExposuresPerClient);
  });

  it('counts a goal only for a visitor whose page views show the variant was seen', async () => {
    const id = await runningExperiment();
    await app.inject({ method: 'GET', url: '/api/v1/collect/variants?site=plumber-joe', remoteAddress: '192.0.2.50', headers: { 'user-agent': BROWSER } });
    await collect({ site: 'plumber-joe', events: [{ type: 'cta_click', path: '/sites/plumber-joe', target: 'claim' }] }, { ip: '192.0.2.50' });
    await app.analyticsCollector.flush();
    expect(await sql(`select id from experiment_assignments where experiment_id = ? and converted_at is not null`, [id])).toHaveLength(0);
    await collect({ site: 'plumber-joe', events: [view(), { type: 'cta_click', path: '/sites/plumber-joe', target: 'claim' }] }, { ip: '192.0.2.50' });
    await app.analyticsCollector.flush();
    expect(await sql(`select id from experiment_assignments where experiment_id = ? and converted_at is not null`, [id])).toHaveLength(1);
  });

  it('assigns stickily with exposure, counts conversions, reports results, and serves the winner once stopped', async () => {
    const plumber = await siteId('plumber-joe');
    const created = await app.inject({
      method: 'POST', url: '/api/v1/admin/experiments', headers: ADMIN,
      payload: { key: 'claim-text', site_id: plumber, slot: 'claim_text', goal: 'cta_click:claim', variants: [{ name: 'control', weight: 1, content: 'Claim it' }, { name: 'bold', weight: 1, content: 'Make it yours today' }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const variants = (ip: string) => app.inject({ method: 'GET', url: '/api/v1/collect/variants?site=plumber-joe', remoteAddress: ip, headers: { 'user-agent': BROWSER } });
    expect((await variants('192.0.2.1')).json()).toEqual({ variants: [] });
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/experiments/${id}/start`, headers: ADMIN })).json()).toMatchObject({ status: 'running' });

    const seen = new Map<string, string>();
    const names = new Map([['Claim it', 'control'], ['Make it yours today', 'bold']]);
    for (let i = 0; i < 40; i++) {
      const ip = `10.0.${i}.1`;
      const first = (await variants(ip)).json<{ variants: { slot: string; content: string }[] }>().variants[0]!;
      expect(Object.keys(first).sort()).toEqual(['content', 'slot']);
      const again = (await variants(ip)).json<{ variants: { content: string }[] }>().variants[0]!;
      expect(again.content).toBe(first.content);
      seen.set(ip, names.get(first.content)!);
      // A visitor who saw the page and clicked: the goal counts.
      if (names.get(first.content) === 'bold') await collect({ site: 'plumber-joe', events: [view(), { type: 'cta_click', path: '/sites/plumber-joe', target: 'claim' }] }, { ip });
    }
    await app.analyticsCollector.flush();
    const bold = [...seen.values()].filter((v) => v === 'bold').length;
    expect(bold).toBeGreaterThan(5);
    expect(bold).toBeLessThan(35);
    const results = (await app.inject({ method: 'GET', url: `/api/v1/admin/experiments/${id}`, headers: ADMIN })).json<{ variants: { name: string; exposures: number; conversions: number; conversion_rate: number }[]; srm: { mismatch: boolean } }>();
    expect(results.variants).toEqual([
      expect.objectContaining({ name: 'control', exposures: 40 - bold, conversions: 0 }),
      expect.objectContaining({ name: 'bold', exposures: bold, conversions: bold, conversion_rate: 1 }),
    ]);
    expect(results.srm.mismatch).toBe(false);

    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/experiments/${id}/stop`, headers: ADMIN, payload: { winner: 'nope' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/experiments/${id}/stop`, headers: ADMIN, payload: { winner: 'bold' } })).json()).toMatchObject({ status: 'stopped', winner: 'bold' });
    const before = (await sql(`select id from experiment_assignments`)).length;
    for (const ip of ['10.0.0.1', '10.99.0.1']) expect((await variants(ip)).json()).toEqual({ variants: [{ slot: 'claim_text', content: 'Make it yours today' }] });
    expect(await sql(`select id from experiment_assignments`)).toHaveLength(before);
  });
});
