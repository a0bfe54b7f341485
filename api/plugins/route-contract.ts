import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { errorResponses } from '../schemas/common.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's body may be left out: it is then taken as `{}`, so the body schema's defaults apply (and the document says the body is optional). */
    bodyOptional?: boolean;
  }
  interface FastifyInstance {
    /** The operations (`post /api/v1/subscriptions/cancel`) whose body may be left out, for the OpenAPI document. */
    optionalBodies: Set<string>;
  }
}

/** Methods whose requests may carry a body Fastify parses: a malformed, oversized or foreign-typed one is refused before the handler. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; default?: unknown; items?: JsonSchema; anyOf?: JsonSchema[]; allOf?: JsonSchema[] };
type RouteSchema = { hide?: boolean; querystring?: JsonSchema; body?: JsonSchema; security?: unknown[]; response?: Record<string | number, unknown> };
type Route = Pick<RouteOptions, 'method' | 'url' | 'config'> & { schema?: RouteSchema };

/**
 * The error answers a route of this shape can give whatever its handler does: 400 on every route (the text guard
 * reads every query string, path and body); 503 on every route (Fastify sheds requests while the server drains);
 * 413 and 415 for methods with a body (too large, not JSON); 414 for a path parameter past Fastify's `maxParamLength`;
 * 401 for routes that declare a security scheme; 429 for routes with a `@fastify/rate-limit` limit (`config.rateLimit`).
 * Statuses a handler gives for its own reasons (404, 409, a limit it counts itself…) are declared by the route.
 */
export function globalErrorStatuses(route: Route): number[] {
  const methods = [route.method].flat().map(String);
  const statuses = [400];
  if (methods.some((method) => BODY_METHODS.has(method))) statuses.push(413, 415);
  if (route.url.includes(':') || route.url.includes('*')) statuses.push(414);
  if ((route.schema?.security?.length ?? 0) > 0) statuses.push(401);
  if (route.config?.rateLimit) statuses.push(429);
  statuses.push(503);
  return statuses;
}

/**
 * Takes a property with a default out of `required`, throughout a request schema: the validator (`useDefaults`)
 * fills it in when it is missing, so the API does not require it, and the document must not say it does.
 */
function optionalDefaults(schema: JsonSchema | undefined): void {
  if (!schema || typeof schema !== 'object') return;
  const properties = schema.properties ?? {};
  if (schema.required) {
    schema.required = schema.required.filter((name) => properties[name]?.default === undefined);
    if (schema.required.length === 0) delete schema.required;
  }
  for (const child of [...Object.values(properties), schema.items, ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) optionalDefaults(child);
}

/** The key of an operation in `optionalBodies`: lower-case method and the OpenAPI path (`{id}` for `:id`). */
export function operationKey(method: string, url: string): string {
  return `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}

/**
 * onRoute hook that makes every documented route state what the API enforces beyond its handler: the error answers
 * of globalErrorStatuses, each with the ErrorResponse body (a route's own declaration of a status wins); the request
 * fields that may be left out because they have a default; and, for `config.bodyOptional`, a body that may be left out.
 */
export const routeContractPlugin = fp(async (app: FastifyInstance) => {
  app.decorate('optionalBodies', new Set<string>());
  app.addHook('onRoute', (route) => {
    if (route.config?.bodyOptional) {
      route.preValidation = [route.preValidation ?? []].flat().concat(emptyBodyAsObject);
      for (const method of [route.method].flat()) app.optionalBodies.add(operationKey(String(method), route.url));
    }
    const schema = route.schema as RouteSchema | undefined;
    if (!schema || schema.hide) return;
    optionalDefaults(schema.querystring);
    optionalDefaults(schema.body);
    const declared = schema.response ?? {};
    const missing = globalErrorStatuses({ ...route, schema }).filter((status) => declared[status] === undefined && declared[String(status)] === undefined);
    schema.response = { ...declared, ...errorResponses(...missing) };
  });
}, { name: 'route-contract' });
