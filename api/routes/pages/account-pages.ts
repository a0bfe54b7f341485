import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { escapeHtml } from '../../../lib/html.js';
import { portalAssets } from '../../portal/build.js';
import { isPage } from '../../portal/pages.js';

/** The pages' Content-Security-Policy: scripts and styles from this origin only, so no inline script can run. */
export const PORTAL_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "font-src 'self'",
  "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

/**
 * The owner portal (`/account/…`) and the agent console (`/console/…`): one HTML shell per URL that loads the
 * bundled Preact app, which routes on the path and talks to the public `/api/v1`. The URLs emailed links use
 * (`/account/set-password`, `/account/reset-password`, `/account/verify-email`, `/account/subscription`,
 * `/account/support/:id`, `/console/tickets/:id`) are pages of it.
 */
export const accountPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const assets = await portalAssets();
  await app.register(fastifyStatic, { root: assets.dir, prefix: '/portal/assets/', immutable: true, maxAge: '365d', index: false });

  const shell = (title: string) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/portal/assets/${escapeHtml(assets.stylesheet)}">
<script type="module" src="/portal/assets/${escapeHtml(assets.script)}"></script>
</head>
<body>
<div id="app"><main id="main"><p>Loading…</p><noscript>This page needs JavaScript.</noscript></main></div>
</body>
</html>`;

  // Link tokens arrive in the query string: no caching, no referrer; the page removes them from the address bar.
  // An address under /account or /console that is no page of the app answers 404; the app shows its "Page not found".
  const send = (reply: FastifyReply, title: string): string => {
    if (!isPage(reply.request.url.split('?')[0] ?? '')) void reply.status(404);
    reply.type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', PORTAL_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY');
    return shell(title);
  };

  const page = { produces: ['text/html'], response: { 200: Type.String({ description: 'HTML document (the portal app)' }), 404: Type.String({ description: 'The app, showing "Page not found"' }) } };
  app.get('/account', { schema: { tags: ['portal pages'], summary: 'Owner portal: My Sites', ...page } }, async (_request, reply) => send(reply, 'WebMagic — My account'));
  app.get('/account/*', { schema: { tags: ['portal pages'], summary: 'Owner portal pages (sign-in, emailed links, billing, support, …)', ...page } },
    async (_request, reply) => send(reply, 'WebMagic — My account'));
  app.get('/console', { schema: { tags: ['portal pages'], summary: 'Agent console: the ticket queue', ...page } }, async (_request, reply) => send(reply, 'WebMagic — Agent console'));
  app.get('/console/*', { schema: { tags: ['portal pages'], summary: 'Agent console pages (ticket, statistics, sign-in)', ...page } },
    async (_request, reply) => send(reply, 'WebMagic — Agent console'));
};
