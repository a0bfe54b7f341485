import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { apiConnectionLimits, poolOptions } from '../../db/orm.js';
import { createPhotoStore } from '../../lib/photos/create-store.js';
import type { PhotoStore } from '../../lib/photos/store.js';
import type { ApiDeps } from '../deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    deps: ApiDeps;
    /** A plain `pg` pool for the hot paths' hand-written, parameterised SQL (inbox writes, owner reads). */
    sql: pg.Pool;
    /** Where uploaded photos' files live (STORAGE). */
    photos: PhotoStore;
  }
  interface FastifyRequest {
    /** The request's own entity manager, forked on first use (routes that never touch the ORM pay nothing). */
    em: EntityManager;
    forkedEm: EntityManager | null;
  }
}

/** Decorates the app with its dependencies, a SQL pool and the photo store, and gives each request its own entity manager on demand. */
export const contextPlugin = fp(async (app: FastifyInstance, deps: ApiDeps) => {
  app.decorate('deps', deps);
  const { database } = deps.config;
  const pool = new pg.Pool({ connectionString: database.url, max: database.poolMax, idleTimeoutMillis: 30_000, ...poolOptions(database, apiConnectionLimits(database)) });
  // An idle client losing its connection must not take the process down; the next query reconnects. Nor may a
  // checked-out one between two queries (the relay holds its client while it signals Temporal): pg-pool leaves those
  // errors to the holder, and an `error` event nobody listens to is an uncaught exception.
  pool.on('error', (error) => app.log.warn({ err: error }, 'idle database connection failed'));
  pool.on('connect', (client) => client.on('error', (error) => app.log.warn({ err: error }, 'database connection failed')));
  app.decorate('sql', pool);
  app.decorate('photos', createPhotoStore(deps.config));
  app.addHook('onClose', () => pool.end());
  app.decorateRequest('forkedEm', null);
  app.decorateRequest('em', {
    getter(this: FastifyRequest) {
      this.forkedEm ??= deps.orm.em.fork();
      return this.forkedEm;
    },
  });
}, { name: 'context' });
