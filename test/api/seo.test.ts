import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EditRequest, Site, SiteVersion } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { hashPreviewToken } from '../../lib/site-editor/preview-token.js';
import { metaDescription, openingHours, parseDays, parseTimes, schemaTypeFor } from '../../api/views/seo.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

/** Path on the platform host only (no sites host, no subdomains); its own prices. */
let plain: TestApi;
/** Sites host and subdomains. */
let hosted: TestApi;
/** Sites host only. */
let sitesOnly: TestApi;

const HOSTED = { SITES_BASE_URL: 'http://sites.webmagic.test', SITES_DOMAIN: 'webmagic.site', DOMAIN_CNAME_TARGET: 'edge.webmagic.test' };

beforeAll(async () => {
  plain = await createTestApi({ PURCHASE_AMOUNT_CENTS: '39900', MONTHLY_AMOUNT_CENTS: '4950' });
  hosted = await createTestApi(HOSTED);
  sitesOnly = await createTestApi({ SITES_BASE_URL: 'http://sites.webmagic.test' });
});
afterAll(async () => {
  await plain.close();
  await hosted.close();
  await sitesOnly.close();
});
beforeEach(async () => {
  await resetDatabase(plain.orm);
  await seedDemoSites(plain.orm.em.fork(), plain.config.pricing);
  await settled();
});

/** Waits until every API instance has seen every change committed so far. */
async function settled(): Promise<void> {
  for (const api of [plain, hosted, sitesOnly]) await api.app.siteChanges.sync();
}

async function update(slug: string, values: Partial<Pick<ISite, 'status' | 'customDomain'>>): Promise<void> {
  await plain.orm.em.fork().nativeUpdate(Site, { slug }, values);
  await settled();
}

/** Publishes a new version of a site's content, changed by `change`. */
async function publish(slug: string, change: (content: SiteContent) => SiteContent): Promise<Date> {
  const em = plain.orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug }, { populate: ['currentVersion'] });
  const publishedAt = new Date('2026-11-02T10:30:00.000Z');
  site.currentVersion = em.create(SiteVersion, { site, versionNumber: site.currentVersion!.versionNumber + 1, content: change(structuredClone(site.currentVersion!.content)), createdBy: 'customer', publishedAt });
  await em.flush();
  await settled();
  return publishedAt;
}

const get = (api: TestApi, host: string, url = '/') => api.app.inject({ method: 'GET', url, headers: { host } });
const jsonLd = (html: string) => [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
const meta = (html: string, key: string) => new RegExp(`<meta (?:name|property)="${key.replace(/[.:]/g, '\\$&')}" content="([^"]*)">`).exec(html)?.[1];
const canonicalOf = (html: string) => /<link rel="canonical" href="([^"]*)">/.exec(html)?.[1];
const isNoindex = (res: LightMyRequestResponse) => ({
  header: String(res.headers['x-robots-tag'] ?? '').includes('noindex'),
  meta: res.body.includes('<meta name="robots" content="noindex, nofollow">'),
});

describe('head tags and structured data of a site', () => {
  it('gives the business its category\'s schema.org type with name, address, phone, hours, url and image', async () => {
    const res = await get(plain, 'webmagic.test', '/sites/la-plumbing-pros');
    expect(res.statusCode).toBe(200);
    const [business, ...rest] = jsonLd(res.body);
    expect(rest).toEqual([]);
    expect(business).toMatchObject({
      '@context': 'https://schema.org', '@type': 'Plumber', name: 'LA Plumbing Pros', telephone: '+1 213-555-0142',
      url: 'http://webmagic.test/sites/la-plumbing-pros',
      address: { '@type': 'PostalAddress', streetAddress: '1200 W 7th St', addressLocality: 'Los Angeles' },
    });
    // "Sun: Emergencies only" has no times to give; the stored hours keep no order.
    expect(business!.openingHoursSpecification).toHaveLength(2);
    expect(business!.openingHoursSpecification).toEqual(expect.arrayContaining([
      { '@type': 'OpeningHoursSpecification', dayOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], opens: '07:00', closes: '19:00' },
      { '@type': 'OpeningHoursSpecification', dayOfWeek: ['Saturday'], opens: '08:00', closes: '14:00' },
    ]));
    expect(business).not.toHaveProperty('aggregateRating');
    expect(String(business!.image)).toMatch(/^http:\/\/webmagic\.test\/_wm\/social\/la-plumbing-pros-[\w-]{12}\.png$/);
    expect(jsonLd((await get(plain, 'webmagic.test', '/sites/roofer-bob')).body)[0]).toMatchObject({ '@type': 'RoofingContractor', name: 'Roofer Bob Roofing' });

    expect(res.body).toContain('<title>LA Plumbing Pros — Fast, honest plumbing across Los Angeles</title>');
    const description = meta(res.body, 'description')!;
    expect(description.startsWith('Licensed and insured. Same-day service for leaks, drains and water heaters. A family-run team')).toBe(true);
    expect(description.length).toBeLessThanOrEqual(160);
    expect(meta(res.body, 'og:title')).toBe('LA Plumbing Pros — Fast, honest plumbing across Los Angeles');
    expect(meta(res.body, 'og:url')).toBe('http://webmagic.test/sites/la-plumbing-pros');
    expect(meta(res.body, 'og:image')).toBe(business!.image);
    expect(meta(res.body, 'og:image:width')).toBe('1200');
    expect(meta(res.body, 'twitter:card')).toBe('summary_large_image');
    expect(meta(res.body, 'twitter:image')).toBe(business!.image);
  });

  it('serves the social card as a 1200×630 PNG, cached for good at its address', async () => {
    const page = await get(plain, 'webmagic.test', '/sites/plumber-joe');
    const image = new URL(meta(page.body, 'og:image')!);
    const res = await get(plain, 'webmagic.test', image.pathname);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(await sharp(res.rawPayload).metadata()).toMatchObject({ format: 'png', width: 1200, height: 630 });

    // A new colour gives a new address; the old one still answers, briefly cached.
    await publish('plumber-joe', (content) => ({ ...content, theme: { ...content.theme, primaryColor: '#1e3a8a' } }));
    const next = new URL(meta((await get(plain, 'webmagic.test', '/sites/plumber-joe')).body, 'og:image')!);
    expect(next.pathname).not.toBe(image.pathname);
    expect((await get(plain, 'webmagic.test', image.pathname)).headers['cache-control']).toBe('public, max-age=300');
    expect((await get(plain, 'webmagic.test', '/_wm/social/nobody-here-abcdefghijkl.png')).statusCode).toBe(404);
  });

  it('uses the content\'s own description, and adds the rating and the FAQ only when the content has them', async () => {
    await publish('plumber-joe', (content) => ({
      ...content,
      seoDescription: 'Plumber in Austin: repairs & remodels, honest <prices>.',
      reviews: { rating: 4.8, count: 127, quotes: [{ text: 'Great work', author: 'Ann' }] },
      faq: [{ question: 'Do you work weekends?', answer: 'Yes, on Saturdays from 8am to 6pm.' }],
    }));
    const res = await get(plain, 'webmagic.test', '/sites/plumber-joe');
    expect(meta(res.body, 'description')).toBe('Plumber in Austin: repairs &amp; remodels, honest &lt;prices&gt;.');
    const [business, faq] = jsonLd(res.body);
    expect(business).toMatchObject({ aggregateRating: { '@type': 'AggregateRating', ratingValue: 4.8, reviewCount: 127 }, description: 'Plumber in Austin: repairs & remodels, honest <prices>.' });
    expect(faq).toEqual({
      '@context': 'https://schema.org', '@type': 'FAQPage',
      mainEntity: [{ '@type': 'Question', name: 'Do you work weekends?', acceptedAnswer: { '@type': 'Answer', text: 'Yes, on Saturdays from 8am to 6pm.' } }],
    });
    // Markup inside the content cannot close the JSON-LD script.
    expect(res.body).not.toContain('<prices>');

    await publish('plumber-joe', (content) => ({ ...content, reviews: { quotes: [{ text: 'Great work' }] }, faq: [] }));
    const without = jsonLd((await get(plain, 'webmagic.test', '/sites/plumber-joe')).body);
    expect(without).toHaveLength(1);
    expect(without[0]).not.toHaveProperty('aggregateRating');
  });

  it('reads the opening hours people write, and maps categories to schema.org types', () => {
    expect(parseDays('Mon–Fri')).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']);
    expect(parseDays('Sat & Sun')).toEqual(['Saturday', 'Sunday']);
    expect(parseDays('Thurs')).toEqual(['Thursday']);
    expect(parseDays('Fri-Mon')).toEqual(['Monday', 'Friday', 'Saturday', 'Sunday']);
    expect(parseDays('Weekdays')).toHaveLength(5);
    expect(parseDays('Holidays')).toBeNull();
    expect(parseTimes('7am–7pm')).toEqual({ opens: '07:00', closes: '19:00' });
    expect(parseTimes('8:30 am - 5:30 pm')).toEqual({ opens: '08:30', closes: '17:30' });
    expect(parseTimes('9-5pm')).toEqual({ opens: '09:00', closes: '17:00' });
    expect(parseTimes('11am to 11pm')).toEqual({ opens: '11:00', closes: '23:00' });
    expect(parseTimes('08:00–17:00')).toEqual({ opens: '08:00', closes: '17:00' });
    expect(parseTimes('Open 24 hours')).toEqual({ opens: '00:00', closes: '23:59' });
    expect(parseTimes('Emergencies only')).toBeNull();
    expect(openingHours({ Sun: 'Closed', 'Mon–Sat': '8am–6pm' })).toEqual([
      { '@type': 'OpeningHoursSpecification', dayOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'], opens: '08:00', closes: '18:00' },
    ]);
    expect(schemaTypeFor('Electrician')).toBe('Electrician');
    expect(schemaTypeFor(' dentist ')).toBe('Dentist');
    expect(schemaTypeFor('hair salon')).toBe('HairSalon');
    expect(schemaTypeFor('bakery')).toBe('Bakery');
    expect(schemaTypeFor('pet sitter')).toBe('LocalBusiness');
    const long = { headline: 'h', tagline: 'A'.repeat(100), about: `${'word '.repeat(60)}end`, services: [], callToAction: 'c', theme: { primaryColor: '#000000', accentColor: '#ffffff' } };
    expect(metaDescription(long).length).toBeLessThanOrEqual(160);
    expect(metaDescription(long).endsWith('…')).toBe(true);
  });
});

describe('canonical addresses and redirects', () => {
  it('redirects a live site with a verified custom domain there from its subdomain, the sites host and its path, keeping the query', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    const page = await get(hosted, 'www.example-plumber.test');
    expect(page.statusCode).toBe(200);
    expect(canonicalOf(page.body)).toBe('http://www.example-plumber.test/');
    expect(jsonLd(page.body)[0]).toMatchObject({ url: 'http://www.example-plumber.test/', image: expect.stringMatching(/^http:\/\/www\.example-plumber\.test\/_wm\/social\//) as unknown });
    for (const [host, url] of [['plumber-joe.webmagic.site', '/?utm_source=flyer'], ['sites.webmagic.test', '/plumber-joe?utm_source=flyer'], ['webmagic.test', '/sites/plumber-joe?utm_source=flyer']] as const) {
      const res = await get(hosted, host, url);
      expect(res.statusCode, host).toBe(301);
      expect(res.headers.location).toBe('http://www.example-plumber.test/?utm_source=flyer');
    }
    // The apex still goes to the www name the owner chose.
    expect((await get(hosted, 'example-plumber.test')).headers.location).toBe('http://www.example-plumber.test/');
  });

  it('makes the subdomain canonical for a live site without a domain, the sites host without subdomains, the path without either', async () => {
    await update('roofer-bob', { status: 'owned' });
    const sub = await get(hosted, 'roofer-bob.webmagic.site');
    expect(sub.statusCode).toBe(200);
    expect(canonicalOf(sub.body)).toBe('http://roofer-bob.webmagic.site/');
    for (const [host, url] of [['sites.webmagic.test', '/roofer-bob'], ['webmagic.test', '/sites/roofer-bob']] as const) {
      expect((await get(hosted, host, url)).headers.location).toBe('http://roofer-bob.webmagic.site/');
    }

    const onSitesHost = await get(sitesOnly, 'sites.webmagic.test', '/roofer-bob');
    expect(onSitesHost.statusCode).toBe(200);
    expect(canonicalOf(onSitesHost.body)).toBe('http://sites.webmagic.test/roofer-bob');
    expect((await get(sitesOnly, 'webmagic.test', '/sites/roofer-bob?x=1')).headers.location).toBe('http://sites.webmagic.test/roofer-bob?x=1');

    // Only the platform host: the path is the site's address on every name the API answers.
    for (const host of ['webmagic.test', 'localhost', '127.0.0.1']) {
      const res = await get(plain, host, '/sites/roofer-bob');
      expect(res.statusCode, host).toBe(200);
      expect(canonicalOf(res.body)).toBe('http://webmagic.test/sites/roofer-bob');
    }
  });

  it('serves a preview on every address with rel=canonical instead of a redirect, so its claim flow stays where it is', async () => {
    for (const [host, url] of [['plumber-joe.webmagic.site', '/'], ['sites.webmagic.test', '/plumber-joe'], ['webmagic.test', '/sites/plumber-joe']] as const) {
      const res = await get(hosted, host, url);
      expect(res.statusCode, host).toBe(200);
      expect(res.body).toContain('Claim this website');
      expect(canonicalOf(res.body)).toBe('http://plumber-joe.webmagic.site/');
    }
  });

  it('redirects from a cached page too, and never redirects the API, the analytics script or the collect endpoint', async () => {
    await update('plumber-joe', { status: 'active' });
    expect((await get(hosted, 'plumber-joe.webmagic.site')).statusCode).toBe(200);
    expect((await get(hosted, 'webmagic.test', '/sites/plumber-joe')).statusCode).toBe(301);
    expect((await get(hosted, 'sites.webmagic.test', '/plumber-joe')).statusCode).toBe(301);
    expect((await get(hosted, 'plumber-joe.webmagic.site')).statusCode).toBe(200);

    for (const host of ['sites.webmagic.test', 'webmagic.test', 'plumber-joe.webmagic.site']) {
      expect((await get(hosted, host, '/api/v1/sites/plumber-joe')).statusCode, host).toBe(200);
      expect((await get(hosted, host, '/_wm/a.js')).statusCode, host).toBe(200);
      const collect = await hosted.app.inject({ method: 'OPTIONS', url: '/api/v1/collect', headers: { host, origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      expect(collect.statusCode, host).not.toBe(301);
    }
  });
});

describe('noindex', () => {
  it('keeps unclaimed previews, private edit previews, suspended and cancelled sites out of search engines, and nothing else', async () => {
    expect(isNoindex(await get(plain, 'webmagic.test', '/sites/plumber-joe'))).toEqual({ header: true, meta: true });

    await update('plumber-joe', { status: 'owned' });
    await update('roofer-bob', { status: 'active' });
    for (const slug of ['plumber-joe', 'roofer-bob']) expect(isNoindex(await get(plain, 'webmagic.test', `/sites/${slug}`))).toEqual({ header: false, meta: false });
    expect(isNoindex(await get(plain, 'webmagic.test', '/'))).toEqual({ header: false, meta: false });
    expect(isNoindex(await get(plain, 'webmagic.test', '/help'))).toEqual({ header: false, meta: false });

    const em = plain.orm.em.fork();
    const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' }, { populate: ['currentVersion'] });
    const draft = em.create(SiteVersion, { site, versionNumber: 2, content: { ...site.currentVersion!.content, headline: 'Draft headline' }, createdBy: 'ai' });
    const token = 'p'.repeat(43);
    em.create(EditRequest, { site, requestText: 'new headline', status: 'awaiting_approval', previewVersion: draft, previewTokenHash: hashPreviewToken(token), expiresAt: new Date(Date.now() + 3_600_000) });
    await em.flush();
    const preview = await get(plain, 'webmagic.test', `/preview/${token}`);
    expect(preview.body).toContain('Draft headline');
    expect(isNoindex(preview)).toEqual({ header: true, meta: true });
    expect(canonicalOf(preview.body)).toBe('http://webmagic.test/sites/plumber-joe');

    await update('plumber-joe', { status: 'suspended' });
    await update('roofer-bob', { status: 'cancelled' });
    const suspended = await get(plain, 'webmagic.test', '/sites/plumber-joe');
    const cancelled = await get(plain, 'webmagic.test', '/sites/roofer-bob');
    expect([suspended.statusCode, cancelled.statusCode]).toEqual([503, 410]);
    expect(isNoindex(suspended)).toEqual({ header: true, meta: true });
    expect(isNoindex(cancelled)).toEqual({ header: true, meta: true });
  });
});

const SITEMAP = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">\n(?:<url><loc>[^<>&"]+<\/loc>(?:<lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/lastmod>)?<\/url>\n)*<\/urlset>\n$/;

async function crawl(api: TestApi, host: string): Promise<{ robots: string; locs: string[]; xml: string }> {
  const robots = await get(api, host, '/robots.txt');
  const sitemap = await get(api, host, '/sitemap.xml');
  expect(robots.headers['content-type']).toContain('text/plain');
  expect(sitemap.headers['content-type']).toContain('application/xml');
  expect(sitemap.body).toMatch(SITEMAP);
  return { robots: robots.body, locs: [...sitemap.body.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!), xml: sitemap.body };
}

describe('robots.txt and sitemap.xml', () => {
  it('lists a live site on its canonical host only, and shuts the hosts that redirect or serve previews', async () => {
    const publishedAt = await publish('plumber-joe', (content) => content);
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    await update('roofer-bob', { status: 'owned' });

    const custom = await crawl(hosted, 'www.example-plumber.test');
    expect(custom.robots).toBe('User-agent: *\nAllow: /\n\nSitemap: http://www.example-plumber.test/sitemap.xml\n');
    expect(custom.locs).toEqual(['http://www.example-plumber.test/']);
    expect(custom.xml).toContain(`<lastmod>${publishedAt.toISOString()}</lastmod>`);

    const roofer = await crawl(hosted, 'roofer-bob.webmagic.site');
    expect(roofer.robots).toContain('Allow: /');
    expect(roofer.locs).toEqual(['http://roofer-bob.webmagic.site/']);

    for (const host of ['example-plumber.test', 'plumber-joe.webmagic.site', 'la-plumbing-pros.webmagic.site', 'sites.webmagic.test', 'nobody.example']) {
      const shut = await crawl(hosted, host);
      expect(shut.robots, host).toBe('User-agent: *\nDisallow: /\n');
      expect(shut.locs, host).toEqual([]);
    }

    const platform = await crawl(hosted, 'webmagic.test');
    expect(platform.robots).toBe('User-agent: *\nDisallow: /account\nDisallow: /console\nDisallow: /api/\nDisallow: /preview/\nDisallow: /sites/\n\nSitemap: http://webmagic.test/sitemap.xml\n');
    expect(platform.locs).toEqual(['http://webmagic.test/', 'http://webmagic.test/help']);

    await update('roofer-bob', { status: 'suspended' });
    expect((await crawl(hosted, 'roofer-bob.webmagic.site')).robots).toBe('User-agent: *\nDisallow: /\n');
  });

  it('lists the live sites canonical on the platform host or the sites host there', async () => {
    await update('roofer-bob', { status: 'active' });
    await update('plumber-joe', { status: 'owned', customDomain: 'www.example-plumber.test' });
    const platform = await crawl(plain, 'webmagic.test');
    expect(platform.robots).toBe('User-agent: *\nDisallow: /account\nDisallow: /console\nDisallow: /api/\nDisallow: /preview/\n\nSitemap: http://webmagic.test/sitemap.xml\n');
    expect(platform.locs).toEqual(['http://webmagic.test/', 'http://webmagic.test/help', 'http://webmagic.test/sites/roofer-bob']);

    const sites = await crawl(sitesOnly, 'sites.webmagic.test');
    expect(sites.robots).toBe('User-agent: *\nAllow: /\n\nSitemap: http://sites.webmagic.test/sitemap.xml\n');
    expect(sites.locs).toEqual(['http://sites.webmagic.test/roofer-bob']);
    expect((await crawl(sitesOnly, 'webmagic.test')).locs).toEqual(['http://webmagic.test/', 'http://webmagic.test/help']);
  });
});

describe("the platform's own pages", () => {
  it('shows what WebMagic does, the configured prices, the demo sites and the sign-in links, with nothing from another origin', async () => {
    await update('roofer-bob', { status: 'cancelled' });
    const res = await get(plain, 'webmagic.test');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('A website for your business');
    expect(res.body).toContain('<p class="amount">$399</p>');
    expect(res.body).toContain('<p class="amount">$49.50<span class="meta"> / month</span></p>');
    expect(res.body).toContain('href="http://webmagic.test/sites/la-plumbing-pros">LA Plumbing Pros</a>');
    expect(res.body).toContain('href="http://webmagic.test/sites/plumber-joe">Plumber Joe&#39;s</a>');
    expect(res.body).not.toContain('roofer-bob');
    expect(res.body).toContain('href="http://webmagic.test/account/sign-in"');
    expect(res.body).toContain('href="http://webmagic.test/console/sign-in"');
    expect(canonicalOf(res.body)).toBe('http://webmagic.test/');
    const resources = [...res.body.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    for (const url of resources) expect(url.startsWith('http://webmagic.test/') || url.startsWith('#'), url).toBe(true);
    expect(res.body).not.toMatch(/<script(?! type="application\/ld\+json")/);

    const help = await get(plain, 'webmagic.test', '/help');
    expect(help.statusCode).toBe(200);
    expect(help.body).toContain('$399');
  });

  it('answers a helpful HTML 404 page on every host, JSON on API paths', async () => {
    await update('plumber-joe', { status: 'active', customDomain: 'www.example-plumber.test' });
    const cases = [
      ['webmagic.test', '/no-such-page/here', 'href="/help"'],
      ['webmagic.test', '/sites/nobody-here', 'href="http://webmagic.test/help"'],
      ['sites.webmagic.test', '/plumber-joe/contact', 'href="/plumber-joe"'],
      ['sites.webmagic.test', '/nobody-here', 'Site not found'],
      ['plumber-joe.webmagic.site', '/contact', 'href="/"'],
      ['www.example-plumber.test', '/contact', 'Go to the home page of this website'],
      ['nobody.example', '/', 'Site not found'],
    ] as const;
    for (const [host, url, text] of cases) {
      const res = await get(hosted, host, url);
      expect(res.statusCode, `${host}${url}`).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body, `${host}${url}`).toContain(text);
      expect(res.body).toMatch(/<h1>(Page|Site) not found<\/h1>/);
      expect(isNoindex(res), `${host}${url}`).toEqual({ header: true, meta: true });
    }
    const api = await get(hosted, 'www.example-plumber.test', '/api/v1/nothing');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'not_found' });
  });
});
