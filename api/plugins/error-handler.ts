import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { databaseUnavailable, isDatabaseUnavailable } from '../../db/unavailable.js';
import { AppError, UnavailableError } from '../../lib/errors.js';
import { explainValidation } from '../validation.js';
import { renderPageUnavailable } from '../views/html.js';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/**
 * Fastify's `frameworkErrors`: a URL the router cannot take apart answers with the same `{ error, code, message }` body as
 * every other error: 400 bad_url for an escape that does not decode, 414 uri_too_long for a path parameter past
 * `maxParamLength` (100 characters).
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request';
  const message = status === 414 ? 'A part of the web address is longer than 100 characters.' : 'This web address is not valid.';
  void reply.status(status).send({ error: code, code, message });
}

/** Whether the address is one of the JSON API's (anything else is a page a person asked for). */
function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/api';
}

/**
 * Maps the error hierarchy, schema failures and Fastify's own errors to `{ error, code, message, field? }`: the message
 * is a sentence for people, `code` and `field` are for programs; 5xx details stay in the log. A database that could
 * not answer (down, restarting, every connection busy, a statement past its timeout) is a 503 with `Retry-After`,
 * as a page for page addresses.
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance, options: { pageNotFound: (hostname: string, path: string) => string }) => {
  app.setErrorHandler((thrown: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const databaseDown = !(thrown instanceof AppError) && isDatabaseUnavailable(thrown);
    const error = databaseDown ? databaseUnavailable() : thrown;
    if (databaseDown) request.log.warn({ err: thrown, reqId: request.id }, 'database unavailable');
    if (error instanceof UnavailableError && !isApiPath(request.url.split('?')[0] ?? '/')) {
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPageUnavailable());
    }
    if (error instanceof AppError) {
      if (error instanceof UnavailableError && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.statusCode).send({ error: error.code, code: error.code, message: error.message, ...error.details });
    }
    if (error.validation) {
      const { code, field, message } = explainValidation(error.validation, error.validationContext);
      return reply.status(400).send({ error: 'validation_failed', code, message, ...(field === undefined ? {} : { field }) });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'bad_request');
      return reply.status(status).send({ error: code, code, message: error.message });
    }
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    return reply.status(status).send({ error: 'internal_error', message: `Something went wrong (request ${request.id})` });
  });

  // API paths answer JSON; any other address is a page a person may have typed or followed, so it answers a page.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isApiPath(path)) {
      return reply.status(404).send({ error: 'not_found', code: 'not_found', message: `No route ${request.method} ${path}` });
    }
    return reply.status(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow')
      .send(options.pageNotFound(request.hostname, path));
  });
}, { name: 'error-handler' });
