import { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { DomainVerificationRecord, Site, SiteVersion } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import { ormConfig } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase, testConfig } from '../helpers/env.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  await api.app.siteChanges.sync();
});

async function setStatus(slug: string, status: 'owned' | 'suspended' | 'cancelled'): Promise<void> {
  await api.orm.em.fork().nativeUpdate(Site, { slug }, { status });
  await api.app.siteChanges.sync();
}

describe('GET /sites/:slug', () => {
  it('renders a preview with the claim bar, an ETag and a cache policy', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/sites/plumber-joe' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Claim this website for $495');
    expect(res.body).toContain('Your neighbourhood plumber');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers.etag).toMatch(/^".+"$/);

    const again = await api.app.inject({ method: 'GET', url: '/sites/plumber-joe', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('drops the claim bar once the site is owned', async () => {
    await setStatus('plumber-joe', 'owned');
    const res = await api.app.inject({ method: 'GET', url: '/sites/plumber-joe' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Claim this website');
  });

  it('shows the temporarily-unavailable page with 503 for a suspended site', async () => {
    await setStatus('roofer-bob', 'suspended');
    const res = await api.app.inject({ method: 'GET', url: '/sites/roofer-bob' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('temporarily unavailable');
    expect(res.body).not.toContain('Roofs that weather');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers an unknown or malformed slug with the 404 page', async () => {
    for (const url of ['/sites/nobody-here', '/sites/Bad_Slug!']) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Site not found');
    }
  });

  it('escapes business content in the page', async () => {
    const em = api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' }, { populate: ['business'] });
    site.business.name = '<script>alert(1)</script>';
    await em.flush();
    await api.app.siteChanges.sync();
    const res = await api.app.inject({ method: 'GET', url: '/sites/plumber-joe' });
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('GET /api/v1/sites/:slug', () => {
  it('returns the public details of a site', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/sites/la-plumbing-pros' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      slug: 'la-plumbing-pros', title: 'LA Plumbing Pros', status: 'preview', business_name: 'LA Plumbing Pros',
      purchase_amount: 495, monthly_amount: 95, currency: 'USD', available_for_claim: true,
      site_url: 'http://webmagic.test/sites/la-plumbing-pros',
    });
  });

  it('answers 404 JSON for an unknown slug and 400 for a malformed one', async () => {
    const missing = await api.app.inject({ method: 'GET', url: '/api/v1/sites/nobody-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'site_not_found', code: 'site_not_found', message: 'No site with slug "nobody-here"' });

    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/sites/Bad_Slug' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'validation_failed' });
  });
});

describe('GET /account/… and /console/… (the portal pages)', () => {
  it('serves the portal shell at the emailed link URLs, uncached, with a CSP that allows no inline script, and its bundled assets', async () => {
    for (const url of ['/account/set-password?token=abc', '/account/reset-password?token=abc', '/account/verify-email?token=abc', '/account/subscription?site_id=x', '/account', '/console', '/console/tickets/00000000-0000-4000-8000-000000000001']) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      // Only external scripts: no inline code, no inline event handlers.
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.body).not.toMatch(/\son[a-z]+=/);
    }
    const shell = (await api.app.inject({ method: 'GET', url: '/account' })).body;
    const script = /src="(\/portal\/assets\/main-[^"]+\.js)"/.exec(shell)?.[1];
    const stylesheet = /href="(\/portal\/assets\/main-[^"]+\.css)"/.exec(shell)?.[1];
    const js = await api.app.inject({ method: 'GET', url: script! });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain('/customer/set-password');
    expect((await api.app.inject({ method: 'GET', url: stylesheet! })).headers['content-type']).toContain('text/css');
    expect((await api.app.inject({ method: 'GET', url: '/portal/assets/nothing.js' })).statusCode).toBe(404);
  });
});

describe('sites by Host: the sites host, subdomains and verified custom domains, from a cache shared by notifications', () => {
  const HOSTING = { SITES_BASE_URL: 'http://sites.webmagic.test', SITES_DOMAIN: 'webmagic.site', DOMAIN_CNAME_TARGET: 'edge.webmagic.test' };
  let a: TestApi;
  let b: TestApi;
  let counted: { app: FastifyInstance; orm: MikroORM; queries: string[] };

  beforeAll(async () => {
    a = await createTestApi(HOSTING);
    b = await createTestApi(HOSTING);
    const config = testConfig(HOSTING);
    const queries: string[] = [];
    const orm = await MikroORM.init({ ...ormConfig(config.database), debug: ['query'], logger: (message: string) => queries.push(message) });
    counted = { orm, queries, app: await buildApp({ config, orm, temporal: a.temporal }, { logger: false }) };
  });
  afterAll(async () => {
    await counted.app.close();
    await counted.orm.close();
    await a.close();
    await b.close();
  });

  const get = (app: TestApi | FastifyInstance, host: string, url = '/', headers: Record<string, string> = {}) =>
    ('app' in app ? app.app : app).inject({ method: 'GET', url, headers: { host, ...headers } });
  /** Waits until both instances have seen every change committed so far (notifications are asynchronous). */
  const settled = async () => {
    await a.app.siteChanges.sync();
    await b.app.siteChanges.sync();
  };
  async function update(slug: string, values: Partial<Pick<ISite, 'status' | 'customDomain'>>) {
    await api.orm.em.fork().nativeUpdate(Site, { slug }, values);
    await settled();
  }

  it('serves a live site at its verified custom domain and redirects its subdomain, sites-host and API-path addresses there', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    for (const res of await Promise.all([get(a, 'WWW.Example-Plumber.TEST.'), get(a, 'www.example-plumber.test:443')])) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Your neighbourhood plumber');
      expect(res.body).not.toContain('Claim this website');
    }
    const others = await Promise.all([get(a, 'sites.webmagic.test', '/plumber-joe'), get(a, 'plumber-joe.webmagic.site'), get(a, 'webmagic.test', '/sites/plumber-joe')]);
    for (const res of others) {
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe('http://www.example-plumber.test/');
    }
  });

  it('serves a preview with the same page on every address', async () => {
    const pages = await Promise.all([get(a, 'sites.webmagic.test', '/plumber-joe'), get(a, 'plumber-joe.webmagic.site'), get(a, 'webmagic.test', '/sites/plumber-joe')]);
    for (const res of pages) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Claim this website');
    }
    expect(new Set(pages.map((res) => res.headers.etag)).size).toBe(1);
  });

  it('redirects the apex to the www name the owner chose (and the other way round)', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    const apex = await get(a, 'example-plumber.test', '/?utm=1');
    expect(apex.statusCode).toBe(301);
    expect(apex.headers.location).toBe('http://www.example-plumber.test/?utm=1');

    await update('plumber-joe', { customDomain: 'example-plumber.test' });
    const www = await get(b, 'www.example-plumber.test');
    expect(www.statusCode).toBe(301);
    expect(www.headers.location).toBe('http://example-plumber.test/');
    expect((await get(b, 'example-plumber.test')).statusCode).toBe(200);
  });

  it('answers unknown hosts and addresses with a 404 page, never another site', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    const misses = [
      get(a, 'evil.example'), get(a, 'shop.example-plumber.test'), get(a, 'nobody-here.webmagic.site'), get(a, 'webmagic.test', '/plumber-joe'),
      get(a, 'sites.webmagic.test'), get(a, 'sites.webmagic.test', '/sites/plumber-joe'), get(a, 'www.example-plumber.test', '/sites/roofer-bob'),
      get(a, 'evil.example', '/sites/plumber-joe'), get(a, 'www.example-plumber.test', '/roofer-bob'),
    ];
    for (const res of await Promise.all(misses)) {
      expect(res.statusCode).toBe(404);
      expect(res.body).toMatch(/(Site|Page) not found/);
      expect(res.body).not.toMatch(/plumber|Roofs/i);
    }
  });

  it('shows the unavailable page for a suspended site and the no-longer-available page for a cancelled one, on every host', async () => {
    await update('plumber-joe', { status: 'suspended', customDomain: 'www.example-plumber.test' });
    for (const res of await Promise.all([get(a, 'www.example-plumber.test'), get(a, 'plumber-joe.webmagic.site'), get(a, 'webmagic.test', '/sites/plumber-joe')])) {
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('temporarily unavailable');
    }
    await update('plumber-joe', { status: 'cancelled' });
    for (const res of await Promise.all([get(a, 'www.example-plumber.test'), get(a, 'sites.webmagic.test', '/plumber-joe')])) {
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('This website is no longer available');
      expect(res.body).not.toContain('will be back soon');
    }
  });

  it('makes a publish, a suspension and a domain change visible on both API instances', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    for (const app of [a, b]) expect((await get(app, 'www.example-plumber.test')).body).toContain('Your neighbourhood plumber');

    const em = api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' }, { populate: ['currentVersion'] });
    const content = { ...site.currentVersion!.content, headline: 'Pipes fixed tonight' };
    site.currentVersion = em.create(SiteVersion, { site, versionNumber: 2, content, createdBy: 'customer', publishedAt: new Date() });
    await em.flush();
    await settled();
    for (const app of [a, b]) expect((await get(app, 'www.example-plumber.test')).body).toContain('Pipes fixed tonight');

    await update('plumber-joe', { status: 'suspended' });
    for (const app of [a, b]) expect((await get(app, 'www.example-plumber.test')).statusCode).toBe(503);

    await update('plumber-joe', { status: 'active', customDomain: 'plumber-joe.example' });
    for (const app of [a, b]) {
      expect((await get(app, 'www.example-plumber.test')).statusCode).toBe(404);
      expect((await get(app, 'plumber-joe.example')).body).toContain('Pipes fixed tonight');
    }
  });

  it('answers a matching If-None-Match with 304, and a cached page, without a single query', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    await counted.app.siteChanges.sync();
    const first = await get(counted.app, 'www.example-plumber.test');
    expect(first.statusCode).toBe(200);
    expect(counted.queries.length).toBeGreaterThan(0);

    counted.queries.length = 0;
    const conditional = await get(counted.app, 'www.example-plumber.test', '/', { 'if-none-match': String(first.headers.etag) });
    expect(conditional.statusCode).toBe(304);
    expect(conditional.body).toBe('');
    const again = await get(counted.app, 'www.example-plumber.test');
    expect(again.body).toBe(first.body);
    expect(counted.queries).toEqual([]);

    await update('plumber-joe', { status: 'owned' });
    await counted.app.siteChanges.sync();
    expect((await get(counted.app, 'www.example-plumber.test', '/', { 'if-none-match': String(first.headers.etag) })).statusCode).toBe(304);
    expect(counted.queries.length).toBeGreaterThan(0);
  });

  it("answers the edge's TLS question only for verified custom domains and platform subdomains of existing sites", async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    const em = api.orm.em.fork();
    const roofer = await em.findOneOrFail(Site, { slug: 'roofer-bob' });
    em.create(DomainVerificationRecord, { site: roofer, domain: 'www.pending-roofer.test', token: 't', status: 'pending', expiresAt: new Date(Date.now() + 3_600_000) });
    await em.flush();
    await settled();
    const ask = async (domain: string) => (await a.app.inject({ method: 'GET', url: `/api/v1/hosting/tls-ask?domain=${encodeURIComponent(domain)}` })).statusCode;
    expect(await ask('www.example-plumber.test')).toBe(200);
    expect(await ask('example-plumber.test')).toBe(200);
    expect(await ask('roofer-bob.webmagic.site')).toBe(200);
    expect(await ask('www.pending-roofer.test')).toBe(404);
    expect(await ask('nobody-here.webmagic.site')).toBe(404);
    expect(await ask('evil.example')).toBe(404);
    expect(await ask('webmagic.test')).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: '/api/v1/hosting/tls-ask' })).statusCode).toBe(400);
  });

  it('gives the canonical address (custom domain, else subdomain) as the site URL in API answers', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    expect((await a.app.inject({ method: 'GET', url: '/api/v1/sites/plumber-joe' })).json()).toMatchObject({ site_url: 'http://www.example-plumber.test' });
    expect((await a.app.inject({ method: 'GET', url: '/api/v1/sites/roofer-bob' })).json()).toMatchObject({ site_url: 'http://roofer-bob.webmagic.site' });
  });
});
