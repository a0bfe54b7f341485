import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/** An answer that its route's schema does not declare (status) or describe (JSON body). */
export interface ResponseViolation {
  route: string;
  status: number;
  problem: string;
}

const recorded = new WeakMap<FastifyInstance, ResponseViolation[]>();

/** The violations recorded so far for an app set up with recordResponseViolations (none for another app). */
export function responseViolations(app: FastifyInstance): ResponseViolation[] {
  return recorded.get(app) ?? [];
}

/**
 * Checks every answer of the app against its route's declared responses: the status must be declared, and a JSON body
 * must validate against the schema declared for it. Violations are kept for responseViolations(app).
 */
export function recordResponseViolations(app: FastifyInstance): void {
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats.default(ajv);
  const compiled = new Map<object, ValidateFunction>();
  const violations: ResponseViolation[] = [];
  recorded.set(app, violations);
  app.addHook('onSend', async (request, reply, payload) => {
    const schema = request.routeOptions.schema as { hide?: boolean; response?: Record<string, object> } | undefined;
    if (!schema?.response || schema.hide) return payload;
    const route = `${request.method} ${request.routeOptions.url}`;
    const declared = schema.response[reply.statusCode] ?? schema.response[String(reply.statusCode)];
    if (!declared) {
      violations.push({ route, status: reply.statusCode, problem: `undeclared status (body ${String(payload).slice(0, 200)})` });
      return payload;
    }
    if (!String(reply.getHeader('content-type') ?? '').includes('json') || typeof payload !== 'string') return payload;
    let validate = compiled.get(declared);
    if (!validate) {
      validate = ajv.compile(declared);
      compiled.set(declared, validate);
    }
    if (!validate(JSON.parse(payload))) {
      violations.push({ route, status: reply.statusCode, problem: `${ajv.errorsText(validate.errors)} in ${payload.slice(0, 200)}` });
    }
    return payload;
  });
}
