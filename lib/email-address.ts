/**
 * The email addresses the API accepts (JSON Schema `format: email` everywhere in it): a dot-atom local part of at
 * most 64 characters, `@`, and a host name of two or more labels of at most 63 letters, digits and inner dashes.
 * What mail servers deliver to; no quoted local parts, no IP literals. The OpenAPI document states it as the
 * `pattern` of every request email, so a client's own email check agrees with the API's.
 */
export const EMAIL_PATTERN = "^(?=[^@]{1,64}@)[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*"
  + '@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$';

const EMAIL = new RegExp(EMAIL_PATTERN);

/** True when the API accepts the address (see EMAIL_PATTERN). */
export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}
