import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets for these options; none depends on the request, so they are worked out once. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  } as unknown as ServerResponse;
  // helmet(options) throws on invalid options; its middleware only sets headers and calls on.
  helmet(options)({} as IncomingMessage, response, () => {});
  return headers;
}

/** The platform's headers: CSP for its pages and console, no framing, strict referrer, same-site resources. */
export const SECURITY_HEADERS: HelmetOptions = {
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
};

/**
 * Helmet's security headers (CSP, HSTS, frame and referrer policies, …) on every response. `@fastify/helmet` builds
 * helmet's middleware and parses the CSP again for each request; the headers are the same every time, so they are
 * computed at start-up and copied onto each reply.
 */
export const securityHeadersPlugin = fp<HelmetOptions>(async (app, options) => {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}, { name: 'security-headers' });
