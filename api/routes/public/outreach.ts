import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ValidationError } from '../../../lib/errors.js';
import { unsubscribeAddress } from '../../../lib/outreach-token.js';
import { errorResponses } from '../../schemas/common.js';
import { suppressAddress } from '../../services/preview-batches.js';

/**
 * RFC 8058 one-click unsubscribe of outreach email: the mail client POSTs `List-Unsubscribe=One-Click` to the URL of
 * the `List-Unsubscribe` header. No sign-in: the signed token names the address and is good for this only.
 */
export const outreachRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => done(null, body));
  }

  app.post('/outreach/unsubscribe', {
    schema: {
      tags: ['outreach'], summary: 'One-click unsubscribe from outreach email (RFC 8058)',
      querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 600 }) }),
      body: Type.Optional(Type.String({ maxLength: 4096 })),
      response: { 200: Type.Object({ unsubscribed: Type.Literal(true) }), ...errorResponses(400) },
    },
  }, async (request) => {
    const email = unsubscribeAddress(app.deps.config.outreach.unsubscribeSecret, request.query.token);
    if (!email) throw new ValidationError('invalid_unsubscribe_link', 'This unsubscribe link is not valid; use the link in the email as it was sent.');
    await suppressAddress(request.em, email, 'unsubscribed');
    return { unsubscribed: true as const };
  });
};
