import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { escapeHtml } from '../../lib/html.js';
import { htmlDocument } from '../views/html.js';

interface LinkPage {
  title: string;
  intro: string;
  endpoint: string;
  /** `new`: choose a password; `current`: prove the account's password. */
  password: 'new' | 'current';
  done: string;
}

/** The pages the emailed links open; each posts its token to the matching API endpoint. */
const PAGES: Record<string, LinkPage> = {
  'set-password': {
    title: 'Set your password', intro: 'Choose a password for your WebMagic account (at least 10 characters).',
    endpoint: '/api/v1/customer/set-password', password: 'new', done: 'Your password is set and you are signed in.',
  },
  'reset-password': {
    title: 'Choose a new password', intro: 'Enter a new password for your WebMagic account (at least 10 characters).',
    endpoint: '/api/v1/customer/reset-password', password: 'new', done: 'Your password has been changed and you are signed in.',
  },
  'verify-email': {
    title: 'Confirm your email address', intro: 'Enter the password you chose for your WebMagic account to confirm this email address.',
    endpoint: '/api/v1/customer/verify-email', password: 'current', done: 'Your email address is confirmed. You can sign in now.',
  },
};

const CSS = `form{display:flex;flex-direction:column;gap:.75rem;max-width:360px;margin:1.5rem auto}
input{padding:.6rem;border:1px solid #d1d5db;border-radius:6px}
button{padding:.6rem;border:0;border-radius:6px;background:#4f46e5;color:#fff;font-weight:600;cursor:pointer}
output{min-height:1.5rem}`;

function render(page: LinkPage): string {
  const password = page.password === 'new'
    ? '<input name="password" type="password" autocomplete="new-password" minlength="10" required placeholder="New password">'
    : '<input name="password" type="password" autocomplete="current-password" required placeholder="Your password">';
  return htmlDocument(page.title, `<main class="center">
  <h1>${escapeHtml(page.title)}</h1>
  <p>${escapeHtml(page.intro)}</p>
  <form id="link-form" data-endpoint="${escapeHtml(page.endpoint)}" data-done="${escapeHtml(page.done)}">${password}<button type="submit">${escapeHtml(page.title)}</button></form>
  <output id="result"></output>
</main>
<script src="/assets/account-link.js" defer></script>`, CSS);
}

/** The small account pages behind the links in verification, reset and welcome emails. */
export const accountPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/account/:page', {
    schema: {
      tags: ['hosting'], summary: 'Page behind an emailed link (set password, reset password, verify email)',
      params: Type.Object({ page: Type.Union(Object.keys(PAGES).map((name) => Type.Literal(name))) }),
      querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
      produces: ['text/html'],
      response: { 200: Type.String({ description: 'HTML document' }) },
    },
  }, async (request, reply) => {
    // The token travels in the query string; keep it out of caches and referrers.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      .send(render(PAGES[request.params.page]!));
  });
};
