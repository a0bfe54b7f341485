/**
 * Length limits of the fields people type, in one place: the API's schemas enforce them and the forms (portal,
 * console, hosted pages) put the same numbers in `maxlength`/`minlength`, so a form never sends what the API refuses
 * for length. No imports: the portal's browser bundle includes this module.
 */
export const FIELD_LIMITS = {
  /** A visitor's or claimant's name (claim bar, contact form). */
  personName: 120,
  /** An owner's full name (register, profile). */
  fullName: 200,
  /** Any email address (RFC 5321's path limit). */
  email: 254,
  /** An owner's phone number: the digits and separators of `Phone`. */
  phone: { min: 6, max: 30 },
  /** A phone number on the contact form. */
  contactPhone: { min: 5, max: 40 },
  /** The contact form's "preferred time". */
  preferredTime: 120,
  /** The contact form's message. */
  contactMessage: 2000,
  /** A password: the policy's shortest, and the longest accepted anywhere (so a request cannot make the server hash megabytes). */
  password: { min: 10, max: 256 },
  /** A support ticket's subject. */
  ticketSubject: 200,
  /** A ticket's description or a reply on it. */
  ticketText: 10_000,
  /** What an owner asks to change on their site. */
  editRequest: 5000,
  /** Why an owner rejects a preview. */
  rejectReason: 1000,
  /** The agent a ticket is assigned to. */
  agentName: 120,
  /** What an operator did about a needs-attention case. */
  resolution: 2000,
  /** A custom domain as typed. */
  domain: 300,
  /** A console search. */
  search: { min: 2, max: 200 },
} as const;
