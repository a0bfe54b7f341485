import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../lib/config.js';
import { formatMoney } from '../../lib/money.js';
import { siteUrl } from '../../lib/urls.js';
import { renderHomePage } from '../views/platform-pages.js';
import type { CachedPage } from './page-cache.js';
import { categoryLabel, PAGE_SELECT, type PageRow } from './site-pages.js';

/** The configured prices of a new site, formatted for people ("$495", "$95"). */
export function platformPrices(pricing: AppConfig['pricing']): { price: string; monthly: string } {
  return { price: formatMoney(pricing.purchaseAmountCents, pricing.currency), monthly: formatMoney(pricing.monthlyAmountCents, pricing.currency) };
}

/**
 * Renders the platform's home page with the configured example sites (`HOME_DEMO_SITES`, in that order) that are
 * published and not suspended or cancelled. Kept like a "no site here" answer: any site change may change it.
 */
export async function loadHomePage(connection: ReturnType<EntityManager['getConnection']>, config: Pick<AppConfig, 'publicBaseUrl' | 'hosting' | 'pricing'>): Promise<CachedPage> {
  const slugs = config.hosting.homeDemoSites;
  const rows = slugs.length === 0 ? [] : await connection.execute<PageRow[]>(
    `${PAGE_SELECT} where s.slug in (${slugs.map(() => '?').join(', ')}) and s.status in ('preview', 'owned', 'active') and v.content is not null`, slugs,
  );
  rows.sort((a, b) => slugs.indexOf(a.slug) - slugs.indexOf(b.slug));
  const demos = rows.flatMap((row) => (row.content ? [{
    name: row.title, category: categoryLabel(row.category), city: row.city, tagline: row.content.tagline,
    url: siteUrl(config, row.slug, row.custom_domain), color: row.content.theme.primaryColor,
  }] : []));
  const body = Buffer.from(renderHomePage({ baseUrl: config.publicBaseUrl, ...platformPrices(config.pricing), demos }));
  return { siteId: null, statusCode: 200, body, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' }, etag: null, redirectHost: null, canonical: null };
}
