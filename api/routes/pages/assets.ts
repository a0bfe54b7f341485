import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/**
 * The claim bar on preview sites: opens at once on wide screens, posts the claimant to the purchase endpoint and
 * follows the checkout link; an error is shown beside the field it names, or under the form.
 */
const CLAIM_JS = `(function () {
  var details = document.getElementById('claim-details');
  if (details && window.matchMedia('(min-width: 720px)').matches) details.open = true;
  var form = document.getElementById('claim-form');
  var out = document.getElementById('claim-error');
  if (!form || !out) return;
  function clear() {
    out.textContent = '';
    Array.prototype.forEach.call(form.querySelectorAll('input'), function (input) { input.removeAttribute('aria-invalid'); input.removeAttribute('aria-describedby'); });
  }
  function show(message, field) {
    out.textContent = message;
    var input = field ? form.elements.namedItem(field) : null;
    if (input && input.setAttribute) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', 'claim-error'); input.focus(); }
  }
  form.addEventListener('input', clear);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clear();
    var button = form.querySelector('button');
    button.disabled = true;
    var body = JSON.stringify({ name: form.elements.namedItem('name').value, email: form.elements.namedItem('email').value });
    fetch('/api/v1/sites/' + encodeURIComponent(form.dataset.slug) + '/purchase', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (data) { return { ok: res.ok, data: data }; }); })
      .then(function (answer) {
        if (answer.ok && answer.data.checkout_url) { window.location.href = answer.data.checkout_url; return; }
        button.disabled = false;
        show(answer.data.message || 'Something went wrong; please try again.', answer.data.field);
      })
      .catch(function () { button.disabled = false; show('We could not reach WebMagic. Check your connection and try again.'); });
  });
})();
`;

/**
 * The private preview's banner: with the owner's session (the portal's refresh cookie), shows Approve / Reject to an
 * owner of the site while the change awaits approval, and answers through the same API as the portal; otherwise a sign-in link.
 */
const PREVIEW_JS = `(async () => {
  const box = document.getElementById('wm-preview-decide');
  const result = document.getElementById('wm-preview-result');
  if (!box || !result) return;
  const json = { accept: 'application/json', 'content-type': 'application/json' };
  const refreshed = await fetch('/api/v1/customer/refresh', { method: 'POST', credentials: 'same-origin', headers: { ...json, 'x-webmagic-session': 'cookie' }, body: '{}' }).catch(() => null);
  if (!refreshed || !refreshed.ok) { document.getElementById('wm-preview-signin').hidden = false; return; }
  const { access_token: token } = await refreshed.json();
  const call = (method, path, body) => fetch('/api/v1' + path, body === undefined
    ? { method, headers: { accept: 'application/json', authorization: 'Bearer ' + token } }
    : { method, headers: { ...json, authorization: 'Bearer ' + token }, body: JSON.stringify(body) });
  const { site, edit } = box.dataset;
  const [sites, request] = await Promise.all([call('GET', '/customer/my-sites'), call('GET', '/customer/sites/' + site + '/edit-requests/' + edit)]);
  if (!sites.ok || !request.ok) return;
  const owned = (await sites.json()).sites.find((s) => s.site_id === site);
  if (!owned || owned.role !== 'owner' || (await request.json()).status !== 'awaiting_approval') return;
  box.hidden = false;
  const decide = async (kind, body) => {
    box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    const res = await call('POST', '/customer/sites/' + site + '/edit-requests/' + edit + '/' + kind, body);
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) {
      result.textContent = answer.message || 'Your answer could not be saved; try again from your request.';
      box.querySelectorAll('button').forEach((b) => { b.disabled = false; });
      return;
    }
    box.hidden = true;
    result.textContent = answer.status === 'published'
      ? 'Your change is live: version ' + answer.version_number + ' is published.'
      : kind === 'reject' ? 'You rejected this preview; a member of the team will follow up.' : 'The change could not go live (' + String(answer.status).replace(/_/g, ' ') + ').';
  };
  box.querySelector('.wm-approve').addEventListener('click', () => void decide('approve'));
  box.querySelector('.wm-reject-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void decide('reject', { reason: event.target.reason.value.trim() });
  });
})();
`;

/** The page scripts by file name. */
export const ASSETS: Record<string, string> = { 'claim.js': CLAIM_JS, 'preview.js': PREVIEW_JS };

/** Scripts of the HTML pages, served as files so the pages' Content-Security-Policy forbids inline script. */
export const assetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/assets/:name', {
    schema: {
      tags: ['hosting'],
      summary: 'Scripts of the hosted pages (the claim bar, the private preview\'s banner)',
      params: Type.Object({ name: Type.Union(Object.keys(ASSETS).map((name) => Type.Literal(name))) }),
      produces: ['text/javascript'],
      response: { 200: Type.String({ description: 'JavaScript' }) },
    },
  }, async (request, reply) => {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(ASSETS[request.params.name] ?? '');
  });
};
