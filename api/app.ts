import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';
import { contextPlugin } from './plugins/context.js';
import { accountPageRoutes } from './routes/account-pages.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { swaggerPlugin } from './plugins/swagger.js';
import { adminRoutes } from './routes/admin.js';
import { needsAttentionRoutes } from './routes/needs-attention.js';
import { customerRoutes } from './routes/customer.js';
import { healthRoutes } from './routes/health.js';
import { hostingRoutes } from './routes/hosting.js';
import { mySitesRoutes } from './routes/my-sites.js';
import { siteRoutes } from './routes/sites.js';
import { agentTicketRoutes, ticketRoutes } from './routes/tickets.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { validatorCompiler } from './validation.js';

/** Options that differ between the server and tests. */
export interface BuildAppOptions {
  logger?: boolean;
}

/** Builds the Fastify application with every plugin and route; does not listen. */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: deps.config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-secret-key"]', '*.password', '*.token'],
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 256 * 1024,
    trustProxy: deps.config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  await app.register(contextPlugin, deps);
  await app.register(swaggerPlugin);
  // Limits are applied per route (e.g. login and forgot-password), not to every request.
  await app.register(rateLimit, { global: false });
  await app.register(hostingRoutes);
  await app.register(accountPageRoutes);
  await app.register(async (api) => {
    await api.register(healthRoutes);
    await api.register(siteRoutes);
    await api.register(webhookRoutes, { prefix: '/webhooks' });
    await api.register(customerRoutes, { prefix: '/customer' });
    await api.register(mySitesRoutes, { prefix: '/customer' });
    await api.register(ticketRoutes, { prefix: '/tickets' });
    await api.register(agentTicketRoutes, { prefix: '/admin/tickets' });
    await api.register(subscriptionRoutes, { prefix: '/subscriptions' });
    await api.register(adminRoutes, { prefix: '/admin' });
    await api.register(needsAttentionRoutes, { prefix: '/admin/needs-attention' });
  }, { prefix: '/api/v1' });

  return app;
}
