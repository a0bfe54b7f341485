import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiDeps } from '../deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    deps: ApiDeps;
  }
  interface FastifyRequest {
    em: EntityManager;
  }
}

/** Decorates the app with its dependencies and gives each request its own entity manager. */
export const contextPlugin = fp(async (app: FastifyInstance, deps: ApiDeps) => {
  app.decorate('deps', deps);
  app.decorateRequest('em', null as unknown as EntityManager);
  app.addHook('onRequest', async (request) => {
    request.em = deps.orm.em.fork();
  });
}, { name: 'context' });
