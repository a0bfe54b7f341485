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
    // The analytics collector's in-memory queue and the hits it dropped because the queue was full.
    const queueNames = ['webmagic_analytics_queue_hits', 'webmagic_analytics_dropped_hits'];
    for (const name of queueNames) apiRegistry.removeSingleMetric(name);
    new Gauge({
      name: queueNames[0]!, help: 'Analytics hits waiting in memory to be written', registers: [apiRegistry],
      collect() {
        this.set(app.hasDecorator('analyticsCollector') ? app.analyticsCollector.queued : 0);
      },
    });
    new Gauge({
      name: queueNames[1]!, help: 'Analytics hits dropped because the queue was full, since the process started', registers: [apiRegistry],
      collect() {
        this.set(app.hasDecorator('analyticsCollector') ? app.analyticsCollector.dropped : 0);
      },
    });
    uninstall = () => {
      removeGauges();
      for (const name of [cacheSize, ...queueNames]) apiRegistry.removeSingleMetric(name);
    };
  });
  app.addHook('onClose', async () => uninstall?.());
}, { name: 'metrics', dependencies: ['context'] });
