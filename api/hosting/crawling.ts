import type { MikroORM } from '@mikro-orm/postgresql';
import type { SiteStatus } from '../../db/entities/site.entity.js';
import { escapeHtml } from '../../lib/html.js';
import type { SiteAddressConfig } from '../../lib/urls.js';
import { customDomainCandidates, type HostRoute } from './host-routing.js';
import { canonicalUrl, isLive } from './site-pages.js';

/** One address a sitemap lists, with when its content was last published. */
export interface SitemapEntry {
  loc: string;
  lastmod: Date | null;
}

/** What a host tells crawlers: the paths they may not fetch (`/`: none) and the addresses worth indexing there. */
export interface CrawlPolicy {
  disallow: string[];
  entries: SitemapEntry[];
}

/** Every path of a host that only redirects or serves pages kept out of search engines. */
const NOTHING_HERE: CrawlPolicy = { disallow: ['/'], entries: [] };

/** The platform host's paths that are never for search engines: the portal, the console, the API and private previews. */
const PLATFORM_PRIVATE = ['/account', '/console', '/api/', '/preview/'];

/** The `robots.txt` of a host whose sitemap is at `sitemapUrl`. */
export function robotsTxt(policy: CrawlPolicy, sitemapUrl: string): string {
  const rules = policy.disallow.length > 0 ? policy.disallow.map((path) => `Disallow: ${path}`) : ['Allow: /'];
  const sitemap = policy.disallow.includes('/') ? [] : ['', `Sitemap: ${sitemapUrl}`];
  return ['User-agent: *', ...rules, ...sitemap, ''].join('\n');
}

/** A sitemaps.org `urlset` of the entries (an empty one when the host has nothing to index). */
export function sitemapXml(entries: SitemapEntry[]): string {
  const urls = entries.map((entry) => `<url><loc>${escapeHtml(entry.loc)}</loc>${entry.lastmod ? `<lastmod>${entry.lastmod.toISOString()}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}${urls.length > 0 ? '\n' : ''}</urlset>\n`;
}

interface CrawlRow {
  slug: string;
  status: SiteStatus;
  custom_domain: string | null;
  /** A timestamp; the driver may give it as text. */
  published_at: Date | string | null;
}

/** Sitemaps may list at most this many addresses. */
const SITEMAP_MAX = 50_000;

const CRAWL_SELECT = `select s.slug, s.status, s.custom_domain, v.published_at from sites s join site_versions v on v.id = s.current_version_id`;

/**
 * Decides, per host, what crawlers may fetch and which addresses its sitemap lists: a live site's canonical address
 * is listed on its canonical host only; hosts that only redirect, or serve previews, suspended or cancelled sites,
 * disallow everything; the platform host lists its own public pages and the live sites canonical there.
 */
export function createCrawlPolicies(orm: MikroORM, addresses: SiteAddressConfig) {
  const connection = orm.em.getConnection();
  const sitesElsewhere = Boolean(addresses.hosting?.sitesDomain || addresses.hosting?.sitesBaseUrl);
  const entry = (row: CrawlRow): SitemapEntry => ({ loc: canonicalUrl(addresses, row), lastmod: row.published_at === null ? null : new Date(row.published_at) });
  const liveWithoutDomain = () => connection.execute<CrawlRow[]>(
    `${CRAWL_SELECT} where s.status in ('owned', 'active') and s.custom_domain is null order by s.slug limit ${SITEMAP_MAX}`,
  );
  /** A host of one site: open to crawlers when it is that live site's canonical host. */
  const ownHost = (row: CrawlRow | undefined, host: string): CrawlPolicy => {
    if (!row || !isLive(row.status) || new URL(canonicalUrl(addresses, row)).hostname !== host) return NOTHING_HERE;
    return { disallow: [], entries: [entry(row)] };
  };

  return async (route: HostRoute, host: string): Promise<CrawlPolicy> => {
    switch (route.kind) {
      case 'api': {
        const pages = [{ loc: `${addresses.publicBaseUrl}/`, lastmod: null }, { loc: `${addresses.publicBaseUrl}/help`, lastmod: null }];
        if (sitesElsewhere) return { disallow: [...PLATFORM_PRIVATE, '/sites/'], entries: pages };
        return { disallow: PLATFORM_PRIVATE, entries: [...pages, ...(await liveWithoutDomain()).map(entry)] };
      }
      case 'sites':
        if (addresses.hosting?.sitesDomain) return NOTHING_HERE;
        return { disallow: [], entries: (await liveWithoutDomain()).map(entry) };
      case 'subdomain': {
        const [row] = await connection.execute<CrawlRow[]>(`${CRAWL_SELECT} where s.slug = ?`, [route.slug]);
        return ownHost(row, host);
      }
      case 'custom': {
        const [name, alternate] = customDomainCandidates(route.host);
        const [row] = await connection.execute<CrawlRow[]>(`${CRAWL_SELECT} where s.custom_domain in (?, ?)`, [name, alternate ?? name]);
        return ownHost(row, host);
      }
    }
  };
}
