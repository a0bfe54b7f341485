import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isEmailAddress } from '../lib/email-address.js';

function build(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, useDefaults: true, removeAdditional: false, strict: false, ...options });
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
