import fp from 'fastify-plugin';
import { AnalyticsCollector, SiteDirectory } from '../services/analytics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Batches collected page views and clicks into the database. */
    analyticsCollector: AnalyticsCollector;
    /** Slug → site lookups for collection, cached. */
    siteDirectory: SiteDirectory;
  }
}

/** Creates the collector and the site directory, and flushes the collector when the app closes. */
export const analyticsPlugin = fp(async (app) => {
  const collector = new AnalyticsCollector({ em: () => app.deps.orm.em.fork(), config: app.deps.config.analytics, log: app.log });
  app.decorate('analyticsCollector', collector);
  app.decorate('siteDirectory', new SiteDirectory(app.deps.config));
  app.addHook('onClose', async () => collector.close());
}, { name: 'analytics', dependencies: ['context'] });

