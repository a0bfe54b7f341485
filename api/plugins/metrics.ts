import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import { installDatabaseGauges } from '../metrics/gauges.js';
import { apiRegistry, httpDuration, httpRequests, rateLimitRefusals, statusClass } from '../metrics/registry.js';

/**
 * Counts every answer by route template, method and status class, and times it; registers the database-backed and
 * page-cache gauges while the app runs. Unmatched addresses share the `unmatched` route label.
 */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onResponse', (request, reply, done) => {
    const labels = { route: request.routeOptions.url ?? 'unmatched', method: request.method, status_class: statusClass(reply.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) rateLimitRefusals.inc({ route: labels.route });
    done();
  });

  let uninstall: (() => void) | null = null;
  app.addHook('onReady', async () => {
    const removeGauges = installDatabaseGauges(app.sql);
    const cacheSize = 'webmagic_page_cache_entries';
    apiRegistry.removeSingleMetric(cacheSize);
    new Gauge({
      name: cacheSize, help: 'Hosted pages held in memory', registers: [apiRegistry],
      collect() {
        this.set(app.hasDecorator('pageCache') ? app.pageCache.size : 0);
      },
    });
    uninstall = () => {
      removeGauges();
      apiRegistry.removeSingleMetric(cacheSize);
    };
  });
  app.addHook('onClose', async () => uninstall?.());
}, { name: 'metrics', dependencies: ['context'] });
