import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifySchemaCompiler } from 'fastify';
import { isEmailAddress } from '../lib/email-address.js';
import { FIELD_NAMES, NOT_BLANK_PATTERN, PATTERN_MEANINGS } from './schemas/common.js';

function build(options: Options): Ajv {
  // verbose: a failure carries the value that failed, so a blank answer reads as "fill it in", not as a format.
  const ajv = new Ajv({ allErrors: false, useDefaults: true, removeAdditional: false, strict: false, verbose: true, ...options });
  addFormats.default(ajv);
  // ajv-formats' email has no length limits; the API's (and the OpenAPI document's) also bounds the local part and labels.
  ajv.addFormat('email', isEmailAddress);
  return ajv;
}

const strictBodies = build({ coerceTypes: false });
const coercedStrings = build({ coerceTypes: 'array' });

/**
 * Bodies are validated as sent (a number is not a string, unknown fields are refused);
 * params, query strings and headers arrive as text and are coerced.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictBodies : coercedStrings;
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? { value: data } : { error: Object.assign(new Error('validation failed'), { validation: validate.errors }) });
};

/** A refused input said for people, with the machine-readable reason and the field beside it. */
export interface ValidationProblem {
  code: string;
  field: string | undefined;
  message: string;
}

/** One schema failure; with `verbose`, Ajv adds the value that failed. */
type AjvProblem = NonNullable<FastifyError['validation']>[number] & { data?: unknown };

const TYPE_WORDS: Record<string, string> = {
  string: 'text', integer: 'a whole number', number: 'a number', boolean: 'yes or no', array: 'a list', object: 'a set of fields', null: 'empty',
};

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fieldOf(problem: AjvProblem): string | undefined {
  const params = problem.params as { missingProperty?: string; additionalProperty?: string };
  const path = problem.instancePath.split('/').filter(Boolean);
  if (problem.keyword === 'required' && params.missingProperty) path.push(params.missingProperty);
  if (problem.keyword === 'additionalProperties' && params.additionalProperty) path.push(params.additionalProperty);
  return path.length > 0 ? path.join('.') : undefined;
}

/** How a person calls the input at this path (`contact.phone` → "phone number"). */
export function fieldLabel(field: string | undefined): string {
  const last = field?.split('.').filter((part) => !/^\d+$/.test(part)).at(-1);
  if (!last) return 'request';
  return FIELD_NAMES[last] ?? last.replace(/_/g, ' ');
}

function formatProblem(format: string, label: string): [string, string] {
  if (format === 'email') return ['invalid_email', 'Enter a valid email address, such as name@example.com.'];
  if (format === 'uuid') return ['invalid_format', `The ${label} is not a valid reference.`];
  if (format === 'date-time') return ['invalid_format', `The ${label} must be a date and time such as 2026-01-31T00:00:00Z.`];
  if (format === 'uri') return ['invalid_format', `The ${label} must be a web address.`];
  return ['invalid_format', `The ${label} is not in a form we can read.`];
}

function explain(problem: AjvProblem, label: string, where: string | undefined): [string, string] {
  const params = problem.params as { limit?: number; format?: string; pattern?: string; additionalProperty?: string; type?: string; comparison?: string };
  const missing = where === 'body' ? `Please fill in the ${label}.` : `The ${label} is missing.`;
  switch (problem.keyword) {
    case 'required': return ['required', missing];
    case 'minProperties': return ['required', 'Change at least one field before saving.'];
    case 'minLength': return params.limit === 1 ? ['required', missing] : ['too_short', `The ${label} must be at least ${String(params.limit)} characters long.`];
    case 'maxLength': return ['too_long', `The ${label} can be at most ${String(params.limit)} characters long.`];
    case 'minItems': return ['too_short', `The ${label} needs at least ${String(params.limit)} entries.`];
    case 'maxItems': return ['too_long', `The ${label} can have at most ${String(params.limit)} entries.`];
    case 'format': return formatProblem(String(params.format), label);
    case 'pattern': {
      if (params.pattern === NOT_BLANK_PATTERN || (typeof problem.data === 'string' && problem.data.trim() === '')) return ['required', missing];
      const meaning = PATTERN_MEANINGS.get(String(params.pattern));
      return ['invalid_format', meaning ? `The ${label} must be ${meaning}.` : `The ${label} is not in a form we can read.`];
    }
    case 'type': return ['invalid_type', `The ${label} must be ${TYPE_WORDS[String(params.type)] ?? 'of another kind'}.`];
    case 'const': case 'enum': case 'anyOf': case 'oneOf': return ['invalid_choice', `The ${label} is not one of the choices offered.`];
    case 'minimum': case 'exclusiveMinimum': return ['out_of_range', `The ${label} must be at least ${String(params.limit)}.`];
    case 'maximum': case 'exclusiveMaximum': return ['out_of_range', `The ${label} must be at most ${String(params.limit)}.`];
    case 'additionalProperties': return ['unknown_field', `This form sent a field it does not take ("${String(params.additionalProperty)}").`];
    default: return ['invalid', `The ${label} is not valid.`];
  }
}

/** The first problem of a schema failure as a plain sentence naming the field, never the validator's own wording. */
export function explainValidation(problems: readonly AjvProblem[] | undefined, where: string | undefined): ValidationProblem {
  const first = problems?.[0];
  if (!first) return { code: 'invalid', field: undefined, message: 'Some of what was sent is not valid.' };
  const field = fieldOf(first);
  const [code, message] = explain(first, fieldLabel(field), where);
  return { code, field, message: sentence(message) };
}
