import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { escapeHtml } from '../../../lib/html.js';
import { editRequestPageUrl, siteUrl } from '../../../lib/urls.js';
import { picturesFor } from '../../services/photos.js';
import { editRequestByPreviewToken } from '../../services/site-edits.js';
import { htmlDocument } from '../../views/html.js';
import { canonicalLink } from '../../views/seo.js';
import { renderSitePage } from '../../views/site-page.js';

const HtmlPage = Type.String({ description: 'HTML document' });

/** The edit request a preview link names, with its site and draft. */
type PreviewedEdit = NonNullable<Awaited<ReturnType<typeof editRequestByPreviewToken>>>;

function renderPreviewGone(): string {
  return htmlDocument('Preview not available', '<main class="center"><h1>This preview is not available</h1><p>The link is wrong, or the change was already approved, rejected or expired.</p><p><a href="/account/edits">See your changes in your dashboard</a></p></main>', '', { noindex: true });
}

const BANNER_CSS = `.wm-preview{background:#fef3c7;color:#1f2937;border-bottom:3px solid #b45309;padding:.9rem 1.25rem;font-size:1rem}
.wm-preview-inner{max-width:880px;margin:0 auto;display:grid;gap:.5rem;justify-items:start}
#wm-preview-decide,.wm-preview output{justify-self:stretch}
.wm-preview h2{margin:0;font-size:1.15rem}.wm-preview p{margin:0}
.wm-preview a{color:#1e3a8a;font-weight:600}
.wm-preview-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.wm-preview button{font:inherit;font-weight:600;min-height:44px;padding:.5rem 1rem;border-radius:6px;border:2px solid #3730a3;background:#3730a3;color:#fff;cursor:pointer}
.wm-preview button.wm-reject{background:#fff;color:#991b1b;border-color:#991b1b}
.wm-preview form{display:grid;gap:.4rem;margin:0}.wm-preview label{font-weight:600}
.wm-preview textarea{font:inherit;padding:.5rem;border:1px solid #6b7280;border-radius:6px;width:100%;box-sizing:border-box}
.wm-preview output{font-weight:600}
.wm-preview summary{cursor:pointer;color:#991b1b;font-weight:600;padding:.65rem 0}
.wm-preview details form{margin-top:.25rem}
@media (max-width:600px){.wm-preview{padding:.7rem 1rem;font-size:.95rem}.wm-preview-inner{gap:.35rem}}`;

/**
 * The banner above a private preview: what it is, the way back to the request, and Approve / Reject, which the
 * preview script shows only to a signed-in owner of the site (the buttons call the same API as the portal).
 */
function previewBanner(edit: PreviewedEdit, requestUrl: string): string {
  const summary = edit.previewVersion?.changeSummary;
  const request = new URL(requestUrl);
  return `<style>${BANNER_CSS}</style>
<aside class="wm-preview" aria-labelledby="wm-preview-title">
<div class="wm-preview-inner">
<h2 id="wm-preview-title">Preview of your requested change</h2>
<p>${summary ? `${escapeHtml(summary)}. ` : ''}This private page shows your site with the change; your live site stays as it is until you approve.</p>
<p><a href="${escapeHtml(requestUrl)}">Back to your request</a></p>
<div id="wm-preview-decide" data-site="${escapeHtml(edit.site.id)}" data-edit="${escapeHtml(edit.id)}" hidden>
<div class="wm-preview-actions"><button type="button" class="wm-approve">Approve and publish</button></div>
<details><summary>Not right? Reject it</summary>
<form class="wm-reject-form"><label for="wm-reject-reason">Tell us what to fix</label>
<textarea id="wm-reject-reason" name="reason" rows="2" required maxlength="1000"></textarea>
<div class="wm-preview-actions"><button type="submit" class="wm-reject">Reject preview</button></div></form>
</details>
</div>
<p id="wm-preview-signin" hidden><a href="/account/sign-in?next=${escapeHtml(encodeURIComponent(request.pathname + request.search))}">Sign in</a> to approve or reject it here.</p>
<output id="wm-preview-result" role="status"></output>
</div>
</aside>
<script src="/assets/preview.js" defer></script>
`;
}

/** Serves the draft of an edit request at its private, expiring link, under a banner saying so; never cached, never indexed (header and meta), with the live site as its canonical address. */
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
    const requestUrl = editRequestPageUrl(app.deps.config, edit.site.id, edit.id);
    const title = `Preview — ${edit.site.title}`;
    // Never indexed, but a crawler that reaches it anyway learns where the site itself lives.
    const seo = { title, head: canonicalLink(new URL(siteUrl(app.deps.config, edit.site.slug, edit.site.customDomain)).href) };
    const photos = await picturesFor(request.em, edit.site.id, version.content);
    return reply.send(renderSitePage({ title, business: edit.site.business, content: version.content, photos, claim: null, banner: previewBanner(edit, requestUrl), seo }));
  });
};
