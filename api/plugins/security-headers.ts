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
