import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** The claim bar on preview sites: posts the claimant to the purchase endpoint and follows the checkout link. */
const CLAIM_JS = `document.getElementById('claim-form')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = JSON.stringify({ name: form.name.value, email: form.email.value });
  const res = await fetch('/api/v1/sites/' + encodeURIComponent(form.dataset.slug) + '/purchase', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const data = await res.json();
  if (res.ok) { window.location.href = data.checkout_url; } else { document.getElementById('claim-error').textContent = data.message; }
});
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
