import { Type, type TSchema } from 'typebox';
import { SINGLE_LINE_PATTERN } from '../../lib/single-line.js';
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

/**
 * An instant PostgreSQL stores as given: years 2000–2100, a UTC offset of at most 14 hours (PostgreSQL refuses offsets
 * past 15:59 and years before 4713 BC, and nothing this API keeps is older than 2000).
 */
const DATE_TIME_PATTERN = '^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$';

/** Plain words for patterns whose failure would otherwise be reported as the regular expression itself. */
export const PATTERN_MEANINGS: ReadonlyMap<string, string> = new Map([
  [DATE_TIME_PATTERN, 'a date and time between the years 2000 and 2100 with a UTC offset of at most 14 hours, such as 2026-01-31T00:00:00Z'],
  [SINGLE_LINE_PATTERN, 'one line of text that is not blank (no line breaks or control characters)'],
]);

/**
 * A single line a person types (a name, a subject, a booking field): at most `maxLength` characters, not blank, no line
 * breaks or control characters. Every such field of the API uses it, so nothing is accepted that could not be stored,
 * shown on one line or put in an email (see lib/single-line.ts).
 */
export function SingleLine(maxLength: number, description?: string) {
  return Type.String({ minLength: 1, maxLength, pattern: SINGLE_LINE_PATTERN, ...(description ? { description } : {}) });
}

/** A date and time in a query: RFC 3339, years 2000–2100, a UTC offset of at most ±14:00. */
export function DateTimeParam(description?: string) {
  return Type.String({
    format: 'date-time', pattern: DATE_TIME_PATTERN,
    description: `${description ? `${description}; ` : ''}RFC 3339, years 2000–2100, UTC offset at most ±14:00 (e.g. \`2026-01-31T00:00:00Z\`)`,
  });
}

/** A site slug as it appears in URLs. */
export const Slug = Type.String({ pattern: SLUG_PATTERN, description: 'URL-safe site slug' });
