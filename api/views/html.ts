import { escapeHtml } from '../../lib/html.js';

/** A complete HTML document with the shared base styles; `noindex` adds the robots meta tag that keeps it out of search engines. */
export function htmlDocument(title: string, body: string, extraCss = '', options: { noindex?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.noindex ? '<meta name="robots" content="noindex, nofollow">\n' : ''}<title>${escapeHtml(title)}</title>
<style>
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
