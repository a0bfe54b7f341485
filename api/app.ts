import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ApiDeps } from './deps.js';
import { analyticsPlugin } from './plugins/analytics.js';
import { contextPlugin } from './plugins/context.js';
import { metricsPlugin } from './plugins/metrics.js';
import { tracingPlugin } from './plugins/tracing.js';
import { routeContractPlugin } from './plugins/route-contract.js';
import { createPageNotFound } from './hosting/not-found.js';
import { errorHandlerPlugin, frameworkErrors } from './plugins/error-handler.js';
import { swaggerPlugin } from './plugins/swagger.js';
import { SECURITY_HEADERS, securityHeadersPlugin } from './plugins/security-headers.js';
import { apiRoutes } from './routes/index.js';
import { pagesFolder } from './routes/pages/index.js';
import { WebhookRelay } from './webhooks/relay.js';
import { textGuardPlugin } from './plugins/text-guard.js';
import { validatorCompiler } from './validation.js';
import { anonymizeIp } from '../lib/anonymize-ip.js';
import { limitAddress } from '../lib/client-address.js';
import { BatchedStdout, echoRequestId, loggableUrl, OneLinePerRequest } from './request-log.js';

/** Where the JSON API lives; its answers carry the API set of security headers. */
export const API_PREFIX = '/api/v1';

/** Options that differ between the server and tests. */
export interface BuildAppOptions {
  logger?: boolean;
  /** Run the webhook inbox relay in this process (default true). */
  relay?: boolean;
  /** Where the request log goes (stdout by default); tests capture it. */
  logStream?: NodeJS.WritableStream;
  /** A span per request (the process installed a tracer provider: `lib/telemetry/tracing.ts`). */
  tracing?: boolean;
}

/** Builds the Fastify application with every plugin and route; does not listen. */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  // Asynchronous, batched writes: logging must not cost the request path a write(2) per line.
  const destination = options.logger === false || options.logStream ? null : new BatchedStdout();
  const stream = options.logStream ?? destination;
  const logger: FastifyBaseLogger | null = stream ? pino({
    level: deps.config.logLevel,
    redact: ['*.authorization', '*.cookie', '*["x-secret-key"]', '*.password', '*.token'],
    // Client addresses are personal data: a logged request only ever carries the truncated one.
    serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: loggableUrl(req.url), remoteAddress: anonymizeIp(req.ip) }) },
  }, stream) : null;
  // The request line is built field by field in OneLinePerRequest (URL tokens replaced, address truncated), so it has nothing to
  // redact: it is written by a logger without redaction, which would otherwise cost more than the rest of the line.
  const requestLog = stream ? pino({ level: deps.config.logLevel }, stream) : null;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    ...(requestLog ? { logController: new OneLinePerRequest(requestLog) } : {}),
    // `request.log` is the root logger, not a child per request: the few lines logged for a request name its id.
    childLoggerFactory: (parent) => parent,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 256 * 1024,
    // A path the router cannot take apart (a bad escape: 400, a parameter past 100 characters: 414) answers like any other error.
    frameworkErrors,
    trustProxy: deps.config.http.trustProxy,
    // A client trickling its headers or body is cut off when the whole request has not arrived in time.
    requestTimeout: deps.config.http.requestTimeoutMs,
    connectionTimeout: deps.config.http.connectionTimeoutMs,
    http: { headersTimeout: deps.config.http.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, deps.config.http.requestTimeoutMs) },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  if (destination) {
    app.addHook('onClose', (_instance, done) => {
      destination.close();
      done();
    });
  }
  app.addHook('onRequest', echoRequestId);

  await app.register(errorHandlerPlugin, { pageNotFound: createPageNotFound(deps.config) });
  await app.register(textGuardPlugin);
  await app.register(securityHeadersPlugin, { helmet: SECURITY_HEADERS, apiPrefix: `${API_PREFIX}/` });
  await app.register(contextPlugin, deps);
  // Nobody scrapes an API whose metrics listener is off: its request path then counts nothing either.
  if (deps.config.metrics.apiPort > 0) await app.register(metricsPlugin);
  if (options.tracing) await app.register(tracingPlugin);
  await app.register(swaggerPlugin);
  await app.register(routeContractPlugin);
  // Limits are applied per route (e.g. the TLS ask), not to every request, per client address (IPv6 by its /64).
  await app.register(rateLimit, { global: false, keyGenerator: (request) => limitAddress(request.ip) });
  // The portal's refresh-token cookie and the console's session cookie; read by `readCookie` in the routes that need
  // one, so no request pays for parsing its cookies otherwise.
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie, { hook: false });
  await app.register(analyticsPlugin);
  await app.register(pagesFolder);
  await app.register(apiRoutes, { prefix: API_PREFIX });

  if (options.relay !== false) {
    let relay: WebhookRelay | null = null;
    app.addHook('onReady', async () => {
      relay = new WebhookRelay(deps, app.sql, app.log);
      relay.start();
    });
    app.addHook('preClose', async () => {
      await relay?.stop();
    });
  }

  return app;
}

