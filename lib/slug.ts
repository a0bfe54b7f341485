/** A slug: lower-case letters, digits and inner hyphens, up to 100 characters. */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$';

const SLUG_RE = new RegExp(SLUG_PATTERN);

/** Whether the text is a well-formed slug. */
export function isSlug(text: string): boolean {
  return SLUG_RE.test(text);
}
