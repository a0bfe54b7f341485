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
 * The platform's headers for documents: CSP for its pages and console, no framing, strict referrer, same-site
 * resources. Helmet's two headers for browsers no longer supported are left out: `X-Download-Options` (Internet
 * Explorer 8) and `X-XSS-Protection` (which only turned off the XSS auditors that current browsers no longer have).
 */
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
  xDownloadOptions: false,
  xXssProtection: false,
};

/**
 * The headers of an API answer (JSON, never rendered as a page), from the document set: OWASP's REST security set —
 * a CSP that allows nothing and no framing, HTTPS only, no sniffing — and the same-site resource policy. The
 * document-only headers (script and style sources, referrer, opener and agent-cluster policies, DNS prefetch) mean
 * nothing on a JSON answer, and each header costs every request.
 */
function apiHeaders(document: Record<string, string>): Record<string, string> {
  const keep = ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'cross-origin-resource-policy'];
  return { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", ...Object.fromEntries(keep.map((name) => [name, document[name]!])) };
}

/**
 * Security headers on every response: the API set on answers under `apiPrefix`, helmet's document set (CSP, HSTS,
 * frame and referrer policies, …) on everything else — pages, the portal, the API docs, assets. `@fastify/helmet`
 * builds helmet's middleware and parses the CSP again for each request; the headers are the same every time, so
 * they are computed at start-up and copied onto each reply.
 */
export const securityHeadersPlugin = fp<{ helmet: HelmetOptions; apiPrefix: string }>(async (app, { helmet: options, apiPrefix }) => {
  const documents = securityHeaders(options);
  const api = apiHeaders(documents);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith(apiPrefix) ? api : documents);
    done();
  });
}, { name: 'security-headers' });
