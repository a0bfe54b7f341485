/**
 * One rule for every single line a person types (names, subjects, booking fields): printable text with something
 * besides spaces in it, no line breaks and no control characters, since it ends up in email subjects, greetings and
 * one-line fields of pages and records. The API refuses what breaks it (api/schemas/common.ts `SingleLine`); the
 * email layer turns what still arrives (stored before the rule) into a line it can send (`toSingleLine`).
 */

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';

/** The JSON Schema pattern of a single line: no control characters, at least one character that is not a space. */
export const SINGLE_LINE_PATTERN = `^[^${CONTROL}]*[^\\s${CONTROL}][^${CONTROL}]*$`;

const CONTROL_RUNS = new RegExp(`[${CONTROL}\\s]+`, 'gu');

/**
 * The value as one sendable line: every run of control characters and spaces becomes one space, the ends are
 * trimmed, and the result is cut to `maxLength` characters (never inside a surrogate pair); `fallback` when nothing is left.
 */
export function toSingleLine(value: string, maxLength: number, fallback: string): string {
  const line = [...value.replace(CONTROL_RUNS, ' ').trim()].slice(0, maxLength).join('').trimEnd();
  return line === '' ? fallback : line;
}
