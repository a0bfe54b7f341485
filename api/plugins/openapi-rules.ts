import { EMAIL_PATTERN } from '../../lib/email-address.js';
import { CHECKED_IN_CODE } from '../schemas/documented.js';

type Node = Record<string, unknown>;
type Operation = { parameters?: { schema?: Node }[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: Node }> } };
type Document = { paths?: Record<string, Record<string, Operation>> };

/** What the text guard refuses in every string of a request: a NUL character (PostgreSQL cannot store it). */
export const NUL = '\\x00';

/** Calls `visit` on every schema object under `node` (properties, items, combinators, …), deepest first. */
function walk(node: unknown, visit: (schema: Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  for (const value of Object.values(node)) walk(value, visit);
  visit(node as Node);
}

/** A schema's numeric `exclusiveMinimum`/`exclusiveMaximum` (JSON Schema) in OpenAPI 3.0's form: the bound, and a boolean flag. */
function openApi30Bounds(schema: Node): void {
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof schema[exclusive] !== 'number') continue;
    schema[bound] = schema[exclusive];
    schema[exclusive] = true;
  }
}

/** The rules a handler checks itself, stated as keywords of the schema (see `checkedInCode`). */
function inlineCheckedInCode(schema: Node): void {
  const rules = schema[CHECKED_IN_CODE];
  if (!rules || typeof rules !== 'object') return;
  delete schema[CHECKED_IN_CODE];
  Object.assign(schema, rules);
}

/** The rules every string of a request obeys beyond its own schema: no NUL (the text guard), an email as the validator reads `format: email` (EMAIL_PATTERN). */
function requestStringRules(schema: Node): void {
  if (schema.type !== 'string') return;
  if (schema.format === 'email' && schema.pattern === undefined) schema.pattern = EMAIL_PATTERN;
  if (schema.enum === undefined && schema.not === undefined) schema.not = { pattern: NUL };
}

/**
 * The OpenAPI document as the API enforces it, from the one Fastify's swagger builds out of the route schemas (a
 * copy; the routes' schemas are left alone): OpenAPI 3.0 bounds, the rules handlers check themselves, the text guard's
 * and the email format's rules on request strings, and optional bodies (`config.bodyOptional`) marked so.
 */
export function truthfulDocument<T>(built: T, optionalBodies: ReadonlySet<string>): T {
  const document = JSON.parse(JSON.stringify(built)) as T & Document;
  walk(document, (schema) => {
    openApi30Bounds(schema);
    inlineCheckedInCode(schema);
  });
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of operation.parameters ?? []) walk(parameter.schema, requestStringRules);
      for (const media of Object.values(operation.requestBody?.content ?? {})) walk(media.schema, requestStringRules);
      if (operation.requestBody && optionalBodies.has(`${method} ${path}`)) operation.requestBody.required = false;
    }
  }
  return document;
}
