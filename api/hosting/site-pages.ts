import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import type { SiteStatus } from '../../db/entities/site.entity.js';
import { formatMoney } from '../../lib/money.js';
import { renderNoLongerAvailablePage, renderNotFoundPage, renderSitePage, renderUnavailablePage } from '../views/site-page.js';
import type { PictureSource } from '../views/picture.js';
import { customDomainCandidates } from './host-routing.js';
import type { CachedPage } from './page-cache.js';

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
  phone: string | null;
  email: string | null;
  address: string | null;
  city: string | null;
  hours: Record<string, string> | null;
  content: SiteContent | null;
  /** The photos the live content places. */
  photos: PictureSource[];
}

/** The public page's one query (the photos the live content places come in it); the benchmark's bare baseline runs the same text. */
export const PAGE_SELECT = `select s.id, s.slug, s.title, s.status, s.purchase_amount_cents, s.monthly_amount_cents, s.currency, s.custom_domain,
 b.name, b.phone, b.email, b.address, b.city, b.hours, v.content,
 (select coalesce(json_agg(json_build_object('id', ph.id, 'alt', ph.alt, 'variants', ph.variants)), '[]'::json) from photos ph
   where ph.site_id = s.id and (ph.id::text in (v.content->'photos'->>'logo', v.content->'photos'->>'hero')
   or coalesce(v.content->'photos'->'gallery', '[]'::jsonb) @> to_jsonb(ph.id::text))) as photos
 from sites s join businesses b on b.id = s.business_id left join site_versions v on v.id = s.current_version_id`;

const HTML_TYPE = 'text/html; charset=utf-8';
const NO_STORE = { 'content-type': HTML_TYPE, 'cache-control': 'no-store' };

/** The plain 404 page for an address where no site is served. */
export const NOT_FOUND: CachedPage = { siteId: null, statusCode: 404, body: Buffer.from(renderNotFoundPage()), headers: NO_STORE, etag: null, redirectHost: null };

/** The answer for a site row: its page, the unavailable (503) or no-longer-available (410) page, or 404 without content. */
export function pageFor(row: PageRow): CachedPage {
  const base = { siteId: row.id, etag: null, redirectHost: null };
  if (!row.content) return { ...NOT_FOUND, siteId: row.id };
  if (row.status === 'suspended') {
    return { ...base, statusCode: 503, body: Buffer.from(renderUnavailablePage(row.title)), headers: { ...NO_STORE, 'retry-after': '3600' } };
  }
  if (row.status === 'cancelled') return { ...base, statusCode: 410, body: Buffer.from(renderNoLongerAvailablePage(row.title)), headers: NO_STORE };
  const body = Buffer.from(renderSitePage({
    title: row.title,
    business: { name: row.name, phone: row.phone, email: row.email, address: row.address, city: row.city, hours: row.hours },
    content: row.content,
    photos: row.photos,
    slug: row.slug,
    claim: row.status === 'preview'
      ? { slug: row.slug, price: formatMoney(row.purchase_amount_cents, row.currency), monthly: formatMoney(row.monthly_amount_cents, row.currency) }
      : null,
  }));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const cacheControl = row.status === 'preview' ? 'public, max-age=60' : 'public, max-age=300';
  return { ...base, statusCode: 200, body, etag, headers: { 'content-type': HTML_TYPE, 'cache-control': cacheControl, etag } };
}

/** Reads and renders public pages with one query each. */
export function createPageLoader(orm: MikroORM) {
  const connection = orm.em.getConnection();
  return {
    /** The page of the site with this slug. */
    async bySlug(slug: string): Promise<CachedPage> {
      const [row] = await connection.execute<PageRow[]>(`${PAGE_SELECT} where s.slug = ?`, [slug]);
      return row ? pageFor(row) : NOT_FOUND;
    },
    /** The page for a custom-domain host: the site verified for it, or a redirect from its apex/www counterpart. */
    async byCustomDomain(host: string): Promise<CachedPage> {
      const [name, alternate] = customDomainCandidates(host);
      const [row] = await connection.execute<PageRow[]>(`${PAGE_SELECT} where s.custom_domain in (?, ?)`, [name, alternate ?? name]);
      if (!row) return NOT_FOUND;
      if (row.custom_domain !== host) {
        return { siteId: row.id, statusCode: 301, body: Buffer.alloc(0), headers: { 'cache-control': 'public, max-age=300' }, etag: null, redirectHost: row.custom_domain };
      }
      return pageFor(row);
    },
  };
}
