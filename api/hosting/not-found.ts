import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../lib/config.js';
import { renderNotFound, type PageLink } from '../views/platform-pages.js';
import { createHostRouter } from './host-routing.js';

/** Where a person lost at `path` on the platform host can start again: the site, the console or the owner portal. */
function platformLinks(baseUrl: string, path: string): PageLink[] {
  const site = /^\/sites\/([a-z0-9-]{1,100})(\/|$)/.exec(path);
  const start = site
    ? { href: `/sites/${site[1] ?? ''}`, label: 'Go to the home page of this website' }
    : path.startsWith('/console') ? { href: '/console', label: 'Go to the agent console' } : { href: '/account', label: 'Go to your WebMagic dashboard' };
  return [start, { href: '/', label: 'WebMagic home page' }, { href: '/help', label: 'Help' }];
}

/**
 * The HTML 404 page for an address no page lives at, by the kind of host asked: on the platform host, links to the
 * home page, help and the portal; on a site's host, the way back to that site's home page and the platform's help.
 */
export function createPageNotFound(config: Pick<AppConfig, 'publicBaseUrl' | 'hosting'>): (hostname: string, path: string) => string {
  const routeHost = createHostRouter(config.hosting);
  const base = config.publicBaseUrl;
  const help = { href: `${base}/help`, label: 'WebMagic help' };
  const onSite = renderNotFound('Page not found', 'This website has no page at this address. Check the link, or go to the website\'s home page.', [
    { href: '/', label: 'Go to the home page of this website' }, help,
  ]);
  return (hostname, path) => {
    const route = routeHost(hostname);
    if (route.kind === 'subdomain' || route.kind === 'custom') return onSite;
    if (route.kind === 'sites') {
      const slug = /^\/([a-z0-9-]{1,100})(\/|$)/.exec(path)?.[1];
      return renderNotFound('Page not found', 'There is no page at this address. Check the link, or start again from the beginning.', [
        ...(slug ? [{ href: `/${slug}`, label: 'Go to the home page of this website' }] : []), { href: `${base}/`, label: 'WebMagic home page' }, help,
      ]);
    }
    return renderNotFound('Page not found', 'There is no page at this address. Check the link, or start again from the beginning.', platformLinks(base, path));
  };
}

/** Answers a request with the 404 page for its host and path: uncached, never indexed. */
export function notFoundSender(config: Pick<AppConfig, 'publicBaseUrl' | 'hosting'>): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const pageNotFound = createPageNotFound(config);
  return (request, reply) => reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow')
    .send(pageNotFound(request.hostname, request.url.split('?')[0] ?? '/'));
}
