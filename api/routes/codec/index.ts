import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { operatorGuard } from '../../auth/guards.js';
import { codecRoutes } from './codec.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `/codec`: the Temporal Web UI's remote codec. Answers CORS for the UI's origin only; requires the admin token, except
 * that in development a request from this machine is let in without it, so the local UI works out of the box.
 */
export const codecFolder: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.origin === config.temporal.uiOrigin) {
      reply.header('access-control-allow-origin', config.temporal.uiOrigin)
        .header('access-control-allow-credentials', 'true')
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
        .header('vary', 'origin');
    }
  });
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (config.env === 'development' && request.headers.authorization === undefined && LOOPBACK.has(request.socket.remoteAddress ?? '')) return;
    await operatorGuard(request, reply);
  });
  await app.register(codecRoutes);
};
