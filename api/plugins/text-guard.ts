import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ValidationError } from '../../lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes its body as exact bytes (a signed webhook), so its body is not inspected for unstorable text. */
    rawBody?: boolean;
  }
}

/** Where in a request a string was found that PostgreSQL cannot store. */
function findUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed() ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, `${path}/${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnstorable(key, `${path}/${key}`) ?? findUnstorable(item, `${path}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

function check(request: FastifyRequest): void {
  const found = findUnstorable(request.params, 'params') ?? findUnstorable(request.query, 'querystring')
    ?? (request.routeOptions.config.rawBody ? null : findUnstorable(request.body, 'body'));
  if (found) {
    throw new ValidationError('invalid_text', `${found} contains a NUL character or an unpaired surrogate, which cannot be stored`);
  }
}

/**
 * Refuses, with 400, any request whose params, query or body carries text with a NUL character or a lone
 * surrogate: PostgreSQL (`text` and `jsonb`) cannot store either, so such text would otherwise fail later, as a 500
 * or inside a workflow that already took the customer's money. A synchronous hook: it runs on every request.
 */
export const textGuardPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', (request, _reply, done) => {
    check(request);
    done();
  });
}, { name: 'text-guard' });
