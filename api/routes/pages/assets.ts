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

const ASSETS: Record<string, string> = { 'claim.js': CLAIM_JS };

/** Scripts of the HTML pages, served as files so the pages' Content-Security-Policy forbids inline script. */
export const assetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/assets/:name', {
    schema: {
      tags: ['hosting'],
      summary: 'Scripts of the hosted pages',
      params: Type.Object({ name: Type.Union(Object.keys(ASSETS).map((name) => Type.Literal(name))) }),
      produces: ['text/javascript'],
      response: { 200: Type.String({ description: 'JavaScript' }) },
    },
  }, async (request, reply) => {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(ASSETS[request.params.name] ?? '');
  });
};
