import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ValidationError } from '../../lib/errors.js';
import { fieldLabel } from '../validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes its body as exact bytes (a signed webhook), so its body is not inspected for unstorable text. */
    rawBody?: boolean;
  }
}

/** How deeply params, query and body may nest; no request of this API needs more, and deeper JSON is refused (400 too_deep). */
const MAX_NESTING = 64;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/**
 * Where in a request a string was found that PostgreSQL cannot store, walked with an explicit stack (no recursion, so
 * no depth of nesting can overflow the call stack); throws 400 too_deep past MAX_NESTING levels.
 */
function findUnstorable(root: unknown, rootPath: string): string | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      if (unstorable(value)) return path;
      continue;
    }
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) continue;
    if (depth >= MAX_NESTING) throw new ValidationError('too_deep', `${rootPath} is nested more than ${MAX_NESTING} levels deep`);
    // Pushed in reverse, so the first offending field is the one reported.
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((item: unknown, index) => [String(index), item]) : Object.entries(value as Record<string, unknown>);
    for (const [key, item] of entries.toReversed()) {
      pending.push({ value: item, path: `${path}/${key}`, depth: depth + 1 });
      if (!Array.isArray(value) && unstorable(key)) pending.push({ value: key, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return null;
}

function check(request: FastifyRequest): void {
  const found = findUnstorable(request.params, 'params') ?? findUnstorable(request.query, 'querystring')
    ?? (request.routeOptions.config.rawBody ? null : findUnstorable(request.body, 'body'));
  if (found) {
    const field = found.split('/').slice(1).join('.');
    throw new ValidationError('invalid_text', `The ${fieldLabel(field)} contains a character that cannot be stored (a NUL or a broken emoji); remove it and try again.`, field ? { field } : undefined);
  }
}

/**
 * Refuses, with 400, any request whose params, query or body nests deeper than MAX_NESTING (400 too_deep) or carries
 * text with a NUL character or a lone surrogate: PostgreSQL (`text` and `jsonb`) cannot store either, so such text
 * would otherwise fail later, as a 500 or inside a workflow that already took the customer's money. A synchronous hook: it runs on every request.
 */
export const textGuardPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', (request, _reply, done) => {
    check(request);
    done();
  });
}, { name: 'text-guard' });
