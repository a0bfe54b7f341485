import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeHits, type CollectedHit } from '../../db/analytics.js';
import { Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({
    COLLECT_MAX_PER_CLIENT: '3', COLLECT_MAX_PER_SITE: '5', ANALYTICS_MAX_QUEUED: '4', ANALYTICS_MAX_DIMENSION_VALUES: '3',
    ANALYTICS_FLUSH_INTERVAL: '1h', ANALYTICS_FLUSH_BATCH: '1000',
  });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  api.app.siteDirectory.clear();
  await api.app.analyticsCollector.flush();
});

const view = (slug: string) => ({ type: 'page_view', path: `/sites/${slug}` });
const collect = (slug: string, ip: string, events = [view(slug)]) => api.app.inject({
  method: 'POST', url: '/api/v1/collect', remoteAddress: ip,
  headers: { 'user-agent': BROWSER, 'content-type': 'text/plain', origin: 'http://webmagic.test' }, payload: JSON.stringify({ site: slug, events }),
});

describe('POST /collect cannot be flooded', () => {
  it('answers 429 with Retry-After past the per-client limit (an IPv6 /64 counts as one client)', async () => {
    const codes = [];
    for (const ip of ['2001:db8:1:1::1', '2001:db8:1:1::2', '2001:db8:1:1::3', '2001:db8:1:1::4']) codes.push((await collect('roofer-bob', ip)).statusCode);
    expect(codes).toEqual([204, 204, 204, 429]);
    const refused = await collect('roofer-bob', '2001:db8:1:1:ffff::9');
    expect(refused.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 429 past the per-site limit, whatever the client', async () => {
    const codes = [];
    for (let i = 1; i <= 6; i++) codes.push((await collect('la-plumbing-pros', `198.51.100.${i}`)).statusCode);
    expect(codes).toEqual([204, 204, 204, 204, 204, 429]);
  });

  it('keeps at most the configured number of hits waiting, dropping and counting the rest', async () => {
    const collector = api.app.analyticsCollector;
    const dropped = collector.dropped;
    for (let i = 1; i <= 4; i++) expect((await collect('plumber-joe', `203.0.113.${i}`, [view('plumber-joe'), view('plumber-joe')])).statusCode).toBe(204);
    expect(collector.queued).toBe(4);
    expect(collector.dropped - dropped).toBe(4);
    await collector.flush();
    expect(collector.queued).toBe(0);
    const [row] = await api.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from analytics_events`);
    expect(row!.n).toBe(4);
  });
});

describe('dimension rows', () => {
  it('hold at most the configured number of values per site, dimension and day; further ones count under (other)', async () => {
    const siteId = (await api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' })).id;
    const at = new Date();
    const hit = (i: number): CollectedHit => ({
      siteId, visitorId: `v${i}`, truncatedIp: '203.0.113.0', deviceClass: 'desktop', at, type: 'page_view', path: `/made-up-${i}`, target: null,
      referrerHost: `spam-${i}.example`, utm: { source: `src-${i}`, medium: null, campaign: null, term: null, content: null },
    });
    await storeHits(api.orm.em.fork(), [hit(1), hit(2)], [], api.config.analytics);
    await storeHits(api.orm.em.fork(), [hit(3), hit(4), hit(5)], [], api.config.analytics);
    await storeHits(api.orm.em.fork(), [hit(6), { ...hit(7), path: '/made-up-1' }], [], api.config.analytics);
    const rows = await api.orm.em.fork().execute<{ dimension: string; value: string; sessions: number }[]>(
      `select dimension, value, sessions from analytics_daily_dimensions where dimension in ('landing_path', 'referrer', 'utm_source') order by dimension, value`,
    );
    const of = (dimension: string) => rows.filter((r) => r.dimension === dimension).map((r) => [r.value, r.sessions]);
    expect(of('landing_path')).toEqual([['(other)', 3], ['/made-up-1', 2], ['/made-up-2', 1], ['/made-up-3', 1]]);
    expect(of('referrer')).toHaveLength(4);
    expect(of('utm_source')).toHaveLength(4);
    const [hourly] = await api.orm.em.fork().execute<{ n: number }[]>(`select count(distinct value)::int as n from analytics_hourly_dimensions where dimension = 'landing_path'`);
    expect(hourly!.n).toBe(4);
    const [device] = await api.orm.em.fork().execute<{ sessions: number }[]>(`select sessions from analytics_daily_dimensions where dimension = 'device'`);
    expect(device!.sessions).toBe(7);
  });
});
