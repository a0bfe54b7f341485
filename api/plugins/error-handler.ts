import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, UnavailableError } from '../../lib/errors.js';
import { PATTERN_MEANINGS } from '../schemas/common.js';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = `${error.validationContext ?? 'request'}${first.instancePath}`;
  if (first.keyword === 'additionalProperties') {
    return `${where} has an unknown field "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`;
  }
  if (first.keyword === 'required') {
    return `${where} is missing the required field "${String((first.params as { missingProperty?: string }).missingProperty)}"`;
  }
  const meaning = first.keyword === 'pattern' ? PATTERN_MEANINGS.get(String((first.params as { pattern?: string }).pattern)) : undefined;
  if (meaning) return `${where} must be ${meaning}`;
  return `${where} ${first.message ?? 'is invalid'}`;
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot take apart answers with the same `{ error, message }` body as
 * every other error: 400 bad_url for an escape that does not decode, 414 uri_too_long for a path parameter past
 * `maxParamLength` (100 characters).
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request';
  void reply.status(status).send({ error: code, message: status === 414 ? 'A part of the URL path is longer than 100 characters' : error.message });
}

/** Maps the error hierarchy, schema failures and Fastify's own errors to `{ error, message }`; 5xx details stay in the log. */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error instanceof UnavailableError && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.statusCode).send({ error: error.code, message: error.message, ...error.details });
    }
    if (error.validation) {
      return reply.status(400).send({ error: 'validation_failed', message: describeValidation(error) });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'bad_request');
      return reply.status(status).send({ error: code, message: error.message });
    }
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    return reply.status(status).send({ error: 'internal_error', message: `Something went wrong (request ${request.id})` });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });
}, { name: 'error-handler' });
