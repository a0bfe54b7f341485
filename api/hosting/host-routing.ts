import { getDomain } from 'tldts';
import type { AppConfig } from '../../lib/config.js';
import { normaliseHost } from '../../lib/dns/domain-name.js';
import { isSlug } from '../../lib/slug.js';

/** What a request's Host names: the API host (`/sites/:slug`), the sites host (`/:slug`), a site's subdomain, or a possible custom domain. */
export type HostRoute =
  | { kind: 'api' }
  | { kind: 'sites' }
  | { kind: 'subdomain'; slug: string }
  | { kind: 'custom'; host: string };

/** Classifies Host headers by the hosting configuration; pure and allocation-light, it runs on every page request. */
export function createHostRouter(hosting: AppConfig['hosting']): (hostname: string) => HostRoute {
  const apiHosts = new Set(hosting.apiHosts);
  const sitesHost = hosting.sitesBaseUrl ? new URL(hosting.sitesBaseUrl).hostname : null;
  const subdomainSuffix = hosting.sitesDomain ? `.${hosting.sitesDomain}` : null;
  const api: HostRoute = { kind: 'api' };
  const sites: HostRoute = { kind: 'sites' };
  return (hostname) => {
    const host = normaliseHost(hostname);
    if (apiHosts.has(host)) return api;
    if (host === sitesHost) return sites;
    if (subdomainSuffix && host.endsWith(subdomainSuffix)) {
      const slug = host.slice(0, -subdomainSuffix.length);
      if (isSlug(slug)) return { kind: 'subdomain', slug };
    }
    return { kind: 'custom', host };
  };
}

/** The names a custom-domain host may be stored under: itself and its apex/www counterpart. */
export function customDomainCandidates(host: string): [string, string | null] {
  const apex = getDomain(host);
  if (!apex) return [host, null];
  if (host === apex) return [host, `www.${apex}`];
  if (host === `www.${apex}`) return [host, apex];
  return [host, null];
}
