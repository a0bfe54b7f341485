import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { redactTokens } from '../lib/auth/one-time-tokens.js';
import type { ApiDeps } from './deps.js';
import { contextPlugin } from './plugins/context.js';
import { accountPageRoutes } from './routes/account-pages.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { swaggerPlugin } from './plugins/swagger.js';
import { adminRoutes } from './routes/admin.js';
import { customerRoutes } from './routes/customer.js';
import { healthRoutes } from './routes/health.js';
import { hostingRoutes } from './routes/hosting.js';
import { mySitesRoutes } from './routes/my-sites.js';
import { siteRoutes } from './routes/sites.js';
import { agentTicketRoutes, ticketRoutes } from './routes/tickets.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { assetRoutes } from './routes/assets.js';
import { codecRoutes } from './routes/codec.js';
import { textGuardPlugin } from './plugins/text-guard.js';
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
      serializers: { req: logRequest },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 256 * 1024,
    trustProxy: deps.config.trustProxy,
    // A client trickling its headers or body is cut off when the whole request has not arrived in time.
    requestTimeout: deps.config.http.requestTimeoutMs,
    connectionTimeout: deps.config.http.connectionTimeoutMs,
    http: { headersTimeout: deps.config.http.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, deps.config.http.requestTimeoutMs) },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  await app.register(textGuardPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // The codec endpoint answers the Temporal Web UI, another origin.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(contextPlugin, deps);
  await app.register(swaggerPlugin);
  await app.register(assetRoutes);
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
    await api.register(codecRoutes, { prefix: '/codec' });
  }, { prefix: '/api/v1' });

  return app;
}

/** What a request log line says about the request: link tokens in the URL are redacted. */
export function logRequest(request: FastifyRequest) {
  return { method: request.method, url: redactTokens(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}
