import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import type { SiteStatus } from '../../db/entities/site.entity.js';
import { formatMoney } from '../../lib/money.js';
import { siteUrl, type SiteAddressConfig } from '../../lib/urls.js';
import { photoUrl, type PictureSource } from '../views/picture.js';
import { pageTitle, siteHeadTags, type SocialImage } from '../views/seo.js';
import { renderNotFound } from '../views/platform-pages.js';
import { renderNoLongerAvailablePage, renderSitePage, renderUnavailablePage } from '../views/site-page.js';
import { customDomainCandidates } from './host-routing.js';
import type { CachedPage } from './page-cache.js';
import { SOCIAL_IMAGE_SIZE, socialImagePath, type SocialCard } from './social-image.js';

/** One row of PAGE_SELECT: everything a public page renders from. */
export interface PageRow {
  id: string;
  slug: string;
  title: string;
  status: SiteStatus;
  purchase_amount_cents: number;
  monthly_amount_cents: number;
  currency: string;
  custom_domain: string | null;
  name: string;
  category: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  city: string | null;
  hours: Record<string, string> | null;
  content: SiteContent | null;
  published_at: Date | string | null;
  /** The photos the live content places. */
  photos: PictureSource[];
}

/** The public page's one query (the photos the live content places come in it); the benchmark's bare baseline runs the same text. */
export const PAGE_SELECT = `select s.id, s.slug, s.title, s.status, s.purchase_amount_cents, s.monthly_amount_cents, s.currency, s.custom_domain,
 b.name, b.category, b.phone, b.email, b.address, b.city, b.hours, v.content, v.published_at,
 (select coalesce(json_agg(json_build_object('id', ph.id, 'alt', ph.alt, 'variants', ph.variants)), '[]'::json) from photos ph
   where ph.site_id = s.id and (ph.id::text in (v.content->'photos'->>'logo', v.content->'photos'->>'hero')
   or coalesce(v.content->'photos'->'gallery', '[]'::jsonb) @> to_jsonb(ph.id::text))) as photos
 from sites s join businesses b on b.id = s.business_id left join site_versions v on v.id = s.current_version_id`;

/** What rendering a page depends on besides its row. */
export interface PageContext {
  /** Where sites live: a site's canonical address is drawn from these (lib/urls.ts `siteUrl`). */
  addresses: SiteAddressConfig;
}

const HTML_TYPE = 'text/html; charset=utf-8';
/** The header twin of the robots meta tag: pages that must stay out of search engines carry both. */
export const NOINDEX = { 'x-robots-tag': 'noindex, nofollow' } as const;
const NO_STORE = { 'content-type': HTML_TYPE, 'cache-control': 'no-store' };

/** The 404 page for an address where no site is served; links lead to the platform's home and help pages. */
export function siteNotFound(publicBaseUrl: string): CachedPage {
  const body = renderNotFound('Site not found', 'There is no WebMagic site at this address. The link may be mistyped, or the site may have moved or closed.', [
    { href: `${publicBaseUrl}/`, label: 'WebMagic home page' }, { href: `${publicBaseUrl}/help`, label: 'WebMagic help' },
  ]);
  return { siteId: null, statusCode: 404, body: Buffer.from(body), headers: { ...NO_STORE, ...NOINDEX }, etag: null, redirectHost: null, canonical: null };
}

/** A site's canonical address: its best one (custom domain, subdomain, sites host, path on the platform host). */
export function canonicalUrl(addresses: SiteAddressConfig, row: Pick<PageRow, 'slug' | 'custom_domain'>): string {
  return new URL(siteUrl(addresses, row.slug, row.custom_domain)).href;
}

/** Whether a site is live under an owner: the only sites search engines index. */
export function isLive(status: SiteStatus): boolean {
  return status === 'owned' || status === 'active';
}

/**
 * Whether the site's other addresses redirect (301) to its canonical one: live sites whose canonical address is a
 * host of their own or the sites host. Previews are not redirected (the claim flow and the links sent to the business
 * use their path); they, and sites canonical on the platform host's path, carry `rel=canonical` only.
 */
function redirectsToCanonical(addresses: SiteAddressConfig, row: PageRow): boolean {
  return isLive(row.status) && Boolean(row.custom_domain || addresses.hosting?.sitesDomain || addresses.hosting?.sitesBaseUrl);
}

/** A business category as people read it ("plumber" → "Plumber"). */
export function categoryLabel(category: string): string {
  const text = category.trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : '';
}

/** The card a site's link previews show when it has no hero photo. */
export function socialCardFor(row: Pick<PageRow, 'name' | 'category' | 'city'>, theme: SiteContent['theme']): SocialCard {
  const subtitle = [categoryLabel(row.category), row.city ?? ''].filter(Boolean).join(' · ');
  return { name: row.name, subtitle, primaryColor: theme.primaryColor, accentColor: theme.accentColor };
}

/** The image of a site's link previews and structured data: its hero photo, else its generated card on its canonical host. */
function socialImage(row: PageRow, content: SiteContent, canonical: string): SocialImage {
  const hero = row.photos.find((photo) => photo.id === content.photos?.hero);
  if (hero) return { url: photoUrl(new URL(canonical).origin, hero, 1200), alt: hero.alt ?? `${row.name}: ${content.headline}` };
  return { url: new URL(socialImagePath(row.slug, socialCardFor(row, content.theme)), canonical).href, ...SOCIAL_IMAGE_SIZE, alt: row.name };
}

/** The answer for a site row: its page, the unavailable (503) or no-longer-available (410) page, or 404 without content. */
export function pageFor(row: PageRow, context: PageContext): CachedPage {
  const base = { siteId: row.id, etag: null, redirectHost: null, canonical: null };
  if (!row.content) return { ...siteNotFound(context.addresses.publicBaseUrl), siteId: row.id };
  if (row.status === 'suspended') {
    return { ...base, statusCode: 503, body: Buffer.from(renderUnavailablePage(row.title)), headers: { ...NO_STORE, ...NOINDEX, 'retry-after': '3600' } };
  }
  if (row.status === 'cancelled') return { ...base, statusCode: 410, body: Buffer.from(renderNoLongerAvailablePage(row.title)), headers: { ...NO_STORE, ...NOINDEX } };
  const business = { name: row.name, category: row.category, phone: row.phone, email: row.email, address: row.address, city: row.city, hours: row.hours };
  const canonical = canonicalUrl(context.addresses, row);
  const preview = row.status === 'preview';
  const seo = {
    title: pageTitle(row.title, row.content),
    head: siteHeadTags({ title: row.title, business, content: row.content, canonicalUrl: canonical, image: socialImage(row, row.content, canonical) }),
  };
  const body = Buffer.from(renderSitePage({
    title: row.title,
    business,
    content: row.content,
    photos: row.photos,
    slug: row.slug,
    claim: preview
      ? { slug: row.slug, price: formatMoney(row.purchase_amount_cents, row.currency), monthly: formatMoney(row.monthly_amount_cents, row.currency) }
      : null,
    seo,
    noindex: preview,
  }));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const cacheControl = preview ? 'public, max-age=60' : 'public, max-age=300';
  const headers: Record<string, string> = { 'content-type': HTML_TYPE, 'cache-control': cacheControl, etag, ...(preview ? NOINDEX : {}) };
  return { ...base, statusCode: 200, body, etag, headers, canonical: redirectsToCanonical(context.addresses, row) ? canonical : null };
}

/** Reads and renders public pages with one query each. */
export function createPageLoader(orm: MikroORM, context: PageContext) {
  const connection = orm.em.getConnection();
  const notFound = siteNotFound(context.addresses.publicBaseUrl);
  return {
    /** The 404 page for an address where no site is served. */
    notFound,
    /** The page of the site with this slug. */
    async bySlug(slug: string): Promise<CachedPage> {
      const [row] = await connection.execute<PageRow[]>(`${PAGE_SELECT} where s.slug = ?`, [slug]);
      return row ? pageFor(row, context) : notFound;
    },
    /** The page for a custom-domain host: the site verified for it, or a redirect from its apex/www counterpart. */
    async byCustomDomain(host: string): Promise<CachedPage> {
      const [name, alternate] = customDomainCandidates(host);
      const [row] = await connection.execute<PageRow[]>(`${PAGE_SELECT} where s.custom_domain in (?, ?)`, [name, alternate ?? name]);
      if (!row) return notFound;
      if (row.custom_domain !== host) {
        return { siteId: row.id, statusCode: 301, body: Buffer.alloc(0), headers: { 'cache-control': 'public, max-age=300' }, etag: null, redirectHost: row.custom_domain, canonical: null };
      }
      return pageFor(row, context);
    },
  };
}
