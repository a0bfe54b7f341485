import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
});

async function setStatus(slug: string, status: 'owned' | 'suspended' | 'cancelled'): Promise<void> {
  await api.orm.em.fork().nativeUpdate(Site, { slug }, { status });
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
    expect(missing.json()).toEqual({ error: 'site_not_found', message: 'No site with slug "nobody-here"' });

    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/sites/Bad_Slug' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'validation_failed' });
  });
});

describe('GET /account/… and /console/… (the portal pages)', () => {
  it('serves the portal shell at the emailed link URLs, uncached, with a CSP that allows no inline script, and its bundled assets', async () => {
    for (const url of ['/account/set-password?token=abc', '/account/reset-password?token=abc', '/account/verify-email?token=abc', '/account/subscription?site_id=x', '/account', '/console', '/console/tickets/1']) {
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
