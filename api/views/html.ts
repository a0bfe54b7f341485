import { escapeHtml } from '../../lib/html.js';

/** What a document adds to its `<head>`. */
export interface DocumentOptions {
  /** Adds the robots meta tag that keeps the page out of search engines. */
  noindex?: boolean;
  /** More `<head>` tags (description, canonical link, cards, structured data), already escaped. */
  head?: string;
  /** The page's icon (a URL; without one browsers ask for /favicon.ico). */
  icon?: string;
}

/** A complete HTML document with the shared base styles. */
export function htmlDocument(title: string, body: string, extraCss = '', options: DocumentOptions = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.noindex ? '<meta name="robots" content="noindex, nofollow">\n' : ''}<title>${escapeHtml(title)}</title>
${options.head ? `${options.head}\n` : ''}${options.icon ? `<link rel="icon" href="${escapeHtml(options.icon)}">\n` : ''}<style>
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

/** The page of an address that cannot be served for a moment (its database is busy or restarting). */
export function renderPageUnavailable(): string {
  return htmlDocument('Back in a moment', '<main class="center"><h1>Back in a moment</h1><p>This page cannot be shown right now. Please try again in a few seconds.</p></main>', undefined, { noindex: true });
}
