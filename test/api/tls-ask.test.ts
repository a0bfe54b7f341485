import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PageCache, type CachedPage } from '../../api/hosting/page-cache.js';
import { Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

const EDGE = '10.0.0.5';
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({
    SITES_BASE_URL: 'http://sites.webmagic.test', SITES_DOMAIN: 'webmagic.site', EDGE_ADDRESSES: EDGE,
    TLS_ASK_MAX_PER_MINUTE: '5', TLS_ASK_MAX_CACHED_REFUSALS: '3', TLS_ASK_CACHE: '1m',
  });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  await api.app.siteChanges.sync();
});

const ask = (domain: string, remoteAddress = '203.0.113.9') =>
  api.app.inject({ method: 'GET', url: `/api/v1/hosting/tls-ask?domain=${encodeURIComponent(domain)}`, remoteAddress });

describe("the edge's TLS ask", () => {
  it('counts per asked name, so random names from the one edge address cannot use up the asks of real names', async () => {
    for (let i = 0; i < 12; i += 1) expect((await ask(`random-${i}.example`, EDGE)).statusCode).toBe(404);
    for (let i = 0; i < 12; i += 1) expect((await ask(`other-${i}.example`)).statusCode).toBe(404);
    expect((await ask('roofer-bob.webmagic.site', EDGE)).statusCode).toBe(200);
  });

  it('limits one name asked again and again by a stranger, never the edge', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i += 1) codes.push((await ask('roofer-bob.webmagic.site')).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    for (let i = 0; i < 10; i += 1) expect((await ask('roofer-bob.webmagic.site', EDGE)).statusCode).toBe(200);
  });

  it('holds its refusals apart from the page cache and bounded, and forgets them when a site changes', async () => {
    const pages = { size: api.app.pageCache.size, siteless: api.app.pageCache.sitelessSize };
    for (let i = 0; i < 8; i += 1) await ask(`nobody-${i}.webmagic.site`, EDGE);
    expect(api.app.tlsDecisions.refusals).toBe(3);
    expect({ size: api.app.pageCache.size, siteless: api.app.pageCache.sitelessSize }).toEqual(pages);

    expect((await ask('www.example-plumber.test', EDGE)).statusCode).toBe(404);
    await api.orm.em.fork().nativeUpdate(Site, { slug: 'plumber-joe' }, { status: 'active', customDomain: 'www.example-plumber.test' });
    await api.app.siteChanges.sync();
    expect((await ask('www.example-plumber.test', EDGE)).statusCode).toBe(200);
  });
});

describe('the page cache', () => {
  const page = (siteId: string | null): CachedPage => ({ siteId, statusCode: siteId ? 200 : 404, body: Buffer.from('x'), headers: {}, etag: null, redirectHost: null, canonical: null });

  it('keeps "no site here" answers for made-up hosts apart and bounded: they never flush the pages of real sites', () => {
    const cache = new PageCache(50);
    cache.setActive(true);
    cache.set('slug:plumber-joe', page('site-1'), cache.currentGeneration);
    for (let i = 0; i < 500; i += 1) cache.set(`host:random-${i}.example`, page(null), cache.currentGeneration);
    expect(cache.get('slug:plumber-joe')?.siteId).toBe('site-1');
    expect(cache.sitelessSize).toBe(50);
    expect(cache.get('host:random-499.example')?.statusCode).toBe(404);
    expect(cache.get('host:random-0.example')).toBeUndefined();
  });
});
