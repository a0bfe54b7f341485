import { Type, type TSchema } from 'typebox';
import { SLUG_PATTERN } from '../../lib/slug.js';

/** The body of every error answer. */
export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable error code' }),
    message: Type.String({ description: 'What went wrong, for a person' }),
  },
  { additionalProperties: true, $id: 'ErrorResponse' },
);

/** Error answers a route may give, keyed by status, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}

/** A site slug as it appears in URLs. */
export const Slug = Type.String({ pattern: SLUG_PATTERN, description: 'URL-safe site slug' });
