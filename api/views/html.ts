import { escapeHtml } from '../../lib/html.js';

/**
 * A complete HTML document with the shared base styles; `noindex` adds the robots meta tag that keeps it out of search
 * engines, `icon` the page's icon (a URL; without one browsers ask for /favicon.ico).
 */
export function htmlDocument(title: string, body: string, extraCss = '', options: { noindex?: boolean; icon?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.noindex ? '<meta name="robots" content="noindex, nofollow">\n' : ''}<title>${escapeHtml(title)}</title>
${options.icon ? `<link rel="icon" href="${escapeHtml(options.icon)}">\n` : ''}<style>
body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5}
main{max-width:880px;margin:0 auto;padding:2rem 1.25rem}
.center{min-height:80vh;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center}
${extraCss}
</style>
</head>
<body>
${body}
</body>
</html>`;
}

/** Where a person lost at `path` can start again: the site's home page, the console or the owner portal. */
function homeFor(path: string): { href: string; label: string } {
  const site = /^\/sites\/([a-z0-9-]{1,100})(\/|$)/.exec(path);
  if (site) return { href: `/sites/${site[1] ?? ''}`, label: 'Go to the home page of this website' };
  if (path.startsWith('/console')) return { href: '/console', label: 'Go to the agent console' };
  return { href: '/account', label: 'Go to your WebMagic dashboard' };
}

/** The 404 page of an address no page lives at (API paths answer JSON instead). */
export function renderPageNotFound(path: string): string {
  const home = homeFor(path);
  return htmlDocument('Page not found', `<main class="center"><h1>Page not found</h1><p>There is no page at this address. Check the link, or start again from the beginning.</p><p><a href="${escapeHtml(home.href)}">${escapeHtml(home.label)}</a></p></main>`);
}
