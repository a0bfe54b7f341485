import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { editRequestByPreviewToken } from '../../services/site-edits.js';
import { htmlDocument } from '../../views/html.js';
import { renderSitePage } from '../../views/site-page.js';

const HtmlPage = Type.String({ description: 'HTML document' });

function renderPreviewGone(): string {
  return htmlDocument('Preview not available', '<main class="center"><h1>This preview is not available</h1><p>The link is wrong, or the change was already approved, rejected or expired.</p></main>');
}

/** Serves the draft of an edit request at its private, expiring link; never cached, never indexed. */
export const previewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/preview/:token', {
    schema: {
      tags: ['hosting'],
      summary: 'The private preview of a drafted change',
      params: Type.Object({ token: Type.String({ maxLength: 200 }) }),
      produces: ['text/html'],
      response: { 200: HtmlPage, 404: HtmlPage },
    },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer');
    const token = request.params.token;
    const edit = /^[A-Za-z0-9_-]{43}$/.test(token) ? await editRequestByPreviewToken(request.em, token) : null;
    const version = edit?.previewVersion;
    if (!edit || !version || version.discardedAt || edit.status !== 'awaiting_approval' || !edit.expiresAt || edit.expiresAt <= new Date()) {
      return reply.status(404).send(renderPreviewGone());
    }
    return reply.send(renderSitePage({ title: `Preview — ${edit.site.title}`, business: edit.site.business, content: version.content, claim: null }));
  });
};
