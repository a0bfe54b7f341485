import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

const forked = new WeakMap<FastifyRequest, EntityManager>();

/** Decorates the app with its dependencies and gives each request its own entity manager, forked on first use. */
export const contextPlugin = fp(async (app: FastifyInstance, deps: ApiDeps) => {
  app.decorate('deps', deps);
  // Lazy, so requests that never touch the database (health, cached pages) pay nothing for it.
  app.decorateRequest('em', {
    getter(this: FastifyRequest) {
      let em = forked.get(this);
      if (!em) forked.set(this, (em = deps.orm.em.fork()));
      return em;
    },
  });
}, { name: 'context' });
