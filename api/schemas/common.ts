import { Type, type TSchema } from 'typebox';
import { SINGLE_LINE_PATTERN } from '../../lib/single-line.js';
import { SLUG_PATTERN } from '../../lib/slug.js';

/** The body of every error answer. */
export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable error code (`validation_failed` for any input the schema refuses)' }),
    message: Type.String({ description: 'What went wrong and what to do, in plain words for a person' }),
    code: Type.Optional(Type.String({ description: 'Machine-readable reason: for `validation_failed` one of `required`, `too_short`, `too_long`, `invalid_email`, `invalid_format`, `invalid_choice`, `invalid_type`, `out_of_range`, `unknown_field`, `invalid`; otherwise the same as `error`' })),
    field: Type.Optional(Type.String({ description: 'The input the error concerns, as the request names it (`email`, `contact.phone`); absent when it concerns no one field' })),
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

/** Text that is more than spaces. */
export const NOT_BLANK_PATTERN = '\\S';
/** One line of printable text with at least one visible character (names go into email subjects and greetings). */
export const ONE_LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$';
/** An owner's phone number: digits with optional +, spaces, dots, dashes and parentheses; 6 to 30 characters. */
export const PHONE_PATTERN = '^\\+?[0-9][0-9 ().-]{4,28}[0-9]$';
/** A phone number on a site's contact form: digits, spaces and + ( ) - . only. */
export const CONTACT_PHONE_PATTERN = '^[0-9+()\\-. ]+$';
/** A short key: lower-case letters, digits, dashes and underscores. */
export const KEY_PATTERN = '^[a-z0-9_-]+$';

/**
 * Plain words for patterns whose failure would otherwise be reported as the regular expression itself: what the
 * value must be (after "must be"), or, for text that is only blank, that it is missing.
 */
export const PATTERN_MEANINGS: ReadonlyMap<string, string> = new Map([
  [DATE_TIME_PATTERN, 'a date and time between the years 2000 and 2100 with a UTC offset of at most 14 hours, such as 2026-01-31T00:00:00Z'],
  [ONE_LINE_PATTERN, 'written on one line'],
  [PHONE_PATTERN, 'digits, with + ( ) - . or spaces if you like, such as +1 555 010 2233'],
  [CONTACT_PHONE_PATTERN, 'digits, with + ( ) - . or spaces if you like, such as +1 555 010 2233'],
  [KEY_PATTERN, 'lower-case letters, digits, dashes and underscores only'],
  [SLUG_PATTERN, 'lower-case letters, digits and dashes only'],
  [SINGLE_LINE_PATTERN, 'written on one line'],
]);

/** How a person calls each input the API names, for the sentences of validation errors ("Enter your email address"). */
export const FIELD_NAMES: Readonly<Record<string, string>> = {
  email: 'email address', name: 'name', full_name: 'full name', phone: 'phone number', password: 'password',
  current_password: 'current password', new_password: 'new password', token: 'link', subject: 'subject',
  description: 'description', body: 'message', message: 'message', preferred_time: 'preferred time', request: 'change you want',
  reason: 'reason', agent: 'agent name', resolution: 'note on what you did', domain: 'domain name', site_id: 'site',
  siteId: 'site', id: 'reference', q: 'search', from: 'start date', to: 'end date', rating: 'rating', status: 'status',
  summary: 'summary', slug: 'site address', workflow_id: 'purchase reference', refresh_token: 'session',
};

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
