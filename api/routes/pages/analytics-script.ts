import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANALYTICS_SCRIPT } from '../../views/analytics-script.js';

/** Serves the page script as an external file (hosted pages allow no inline script). */
export const analyticsScriptRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/_wm/a.js', {
    schema: { tags: ['analytics'], summary: 'The first-party analytics and contact-form script', produces: ['application/javascript'], response: { 200: Type.String() } },
  }, async (_request, reply) => {
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(ANALYTICS_SCRIPT);
  });
};
