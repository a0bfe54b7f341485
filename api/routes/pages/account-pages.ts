import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { escapeHtml } from '../../../lib/html.js';
import { portalAssets } from '../../portal/build.js';

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
  const send = (reply: FastifyReply, title: string): string => {
    reply.type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', PORTAL_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY');
    return shell(title);
  };

  const page = { produces: ['text/html'], response: { 200: Type.String({ description: 'HTML document (the portal app)' }) } };
  app.get('/account', { schema: { tags: ['portal pages'], summary: 'Owner portal: My Sites', ...page } }, async (_request, reply) => send(reply, 'WebMagic — My account'));
  app.get('/account/*', { schema: { tags: ['portal pages'], summary: 'Owner portal pages (sign-in, emailed links, billing, support, …)', ...page } },
    async (_request, reply) => send(reply, 'WebMagic — My account'));
  app.get('/console', { schema: { tags: ['portal pages'], summary: 'Agent console: the ticket queue', ...page } }, async (_request, reply) => send(reply, 'WebMagic — Agent console'));
  app.get('/console/*', { schema: { tags: ['portal pages'], summary: 'Agent console pages (ticket, statistics, sign-in)', ...page } },
    async (_request, reply) => send(reply, 'WebMagic — Agent console'));
};
