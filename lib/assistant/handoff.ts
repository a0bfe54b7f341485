import type { TicketTriage } from './ticket-assistant.js';
import { comparePriority } from './urgency.js';

// Ways a reply commits a person to act: "we will…", "a member of our team…", "we'll follow up", "someone will call you".
const PERSON_PROMISES: readonly RegExp[] = [
  /\bwe(?: will|'ll|’ll| shall| are going to|'re going to|’re going to)\b/,
  /\b(?:we are|we're|we’re) (?:looking|checking|investigating|working)\b/,
  /\b(?:a member of|someone (?:from|on)) (?:our|the) (?:\w+ )?team\b/,
  /\b(?:our|the) (?:\w+ )?(?:team|staff|agents?) (?:will|is going to|are going to|is looking|are looking)\b/,
  /\b(?:someone|somebody|an agent|a person|a colleague) will\b/,
  /\bfollow(?:ing|s)? up\b/,
  /\bget back to you\b/,
  /\bwe can (?:\w+ ){0,4}for you\b/,
];

/** True when the reply promises that a person will act (follow up, check, fix, refund, send something). */
export function promisesPerson(reply: string): boolean {
  const text = reply.toLowerCase();
  return PERSON_PROMISES.some((pattern) => pattern.test(text));
}

/**
 * True when a triaged ticket must wait for a person whatever the AI answered: its priority is high or urgent (an
 * outage, a double charge, a refund or payment dispute, lost bookings), or its reply promises a person will act.
 */
export function needsPerson(triage: Pick<TicketTriage, 'priority' | 'reply'>): boolean {
  return comparePriority(triage.priority, 'high') >= 0 || promisesPerson(triage.reply);
}
