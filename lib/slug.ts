/** A slug: lower-case letters, digits and inner hyphens, up to 100 characters. */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$';

const SLUG_RE = new RegExp(SLUG_PATTERN);

/** Whether the text is a well-formed slug. */
export function isSlug(text: string): boolean {
  return SLUG_RE.test(text);
}

/** What the best address of a site depends on. */
export interface SiteAddressConfig {
  publicBaseUrl: string;
  hosting?: { sitesBaseUrl: string | null; sitesDomain: string | null };
}

/**
 * The best public address of a site: its verified custom domain, else the sites host (`SITES_BASE_URL/<slug>`),
 * else its subdomain (`<slug>.<SITES_DOMAIN>`), else `/sites/<slug>` on the API host.
 */
export function siteUrl(config: SiteAddressConfig, slug: string, customDomain?: string | null): string {
  const scheme = new URL(config.hosting?.sitesBaseUrl ?? config.publicBaseUrl).protocol;
  if (customDomain) return `${scheme}//${customDomain}`;
  if (config.hosting?.sitesBaseUrl) return `${config.hosting.sitesBaseUrl}/${slug}`;
  if (config.hosting?.sitesDomain) return `${scheme}//${slug}.${config.hosting.sitesDomain}`;
  return `${config.publicBaseUrl}/sites/${slug}`;
}
