import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { escapeHtml } from '../../../lib/html.js';
import { unsubscribeAddress } from '../../../lib/outreach-token.js';
import { suppressAddress } from '../../services/preview-batches.js';
import { htmlDocument } from '../../views/html.js';

const HtmlPage = Type.String({ description: 'HTML document' });
const Token = Type.String({ minLength: 1, maxLength: 600 });

function page(title: string, body: string): string {
  return htmlDocument(title, `<main class="center">${body}</main>`, '', { noindex: true });
}

const INVALID = page('Link not valid', '<h1>This unsubscribe link is not valid</h1><p>Use the link in the email exactly as it was sent, or reply to the email and ask us to stop.</p>');

/** The human side of outreach unsubscribe: a page that names the address and confirms with one button (no sign-in). */
export const unsubscribePageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const secret = app.deps.config.outreach.unsubscribeSecret;
  const headers = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow', 'referrer-policy': 'no-referrer' };

  app.get('/unsubscribe', {
    schema: { tags: ['outreach'], summary: 'The unsubscribe page of outreach email', querystring: Type.Object({ token: Type.Optional(Token) }), produces: ['text/html'], response: { 200: HtmlPage, 400: HtmlPage } },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').headers(headers);
    const email = request.query.token ? unsubscribeAddress(secret, request.query.token) : null;
    if (!email || !request.query.token) return reply.status(400).send(INVALID);
    return reply.send(page('Unsubscribe', `<h1>Stop emails about website previews?</h1><p>We will not email <strong>${escapeHtml(email)}</strong> about website previews again.</p>
<form method="post" action="/unsubscribe"><input type="hidden" name="token" value="${escapeHtml(request.query.token)}"><button type="submit">Unsubscribe</button></form>`));
  });

  app.post('/unsubscribe', {
    schema: { tags: ['outreach'], summary: 'Confirms an unsubscribe from the page', consumes: ['application/x-www-form-urlencoded'], body: Type.Object({ token: Token }), produces: ['text/html'], response: { 200: HtmlPage, 400: HtmlPage } },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').headers(headers);
    const email = unsubscribeAddress(secret, request.body.token);
    if (!email) return reply.status(400).send(INVALID);
    await suppressAddress(request.em, email, 'unsubscribed');
    return reply.send(page('Unsubscribed', `<h1>You are unsubscribed</h1><p>We will not email <strong>${escapeHtml(email)}</strong> about website previews again.</p>`));
  });
};
