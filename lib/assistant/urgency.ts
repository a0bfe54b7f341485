import { tokenize } from './text.js';
import { TICKET_PRIORITIES, type TicketPriority } from './ticket-assistant.js';

/** A phrase that sets a lower bound on a ticket's priority, matched on the tokenised text. */
interface UrgencyCue {
  floor: TicketPriority;
  pattern: RegExp;
}

const SITE = String.raw`(?:site|website|page|pagina|web|sitio)`;
const ITEMS = String.raw`(?:bookings?|appointments?|messages?|leads?|orders?|reservations?|quote requests?)`;

// Each pattern runs over the space-joined tokens (lower case, no accents, no apostrophes).
const CUES: readonly UrgencyCue[] = [
  { floor: 'urgent', pattern: new RegExp(String.raw`\b${SITE} (?:\w+ ){0,2}(?:is|went|has gone|esta|seems|looks)(?: \w+)? (?:down|offline|caida)\b`) },
  { floor: 'urgent', pattern: /\b(?:se cayo|site down|completely down|down for everyone)\b/ },
  { floor: 'urgent', pattern: /\btemporarily unavailable\b/ },
  { floor: 'urgent', pattern: /\b(?:error 50[234]|50[234] error|bad gateway|server not found|not loading at all|nobody can (?:open|see|access))\b/ },
  { floor: 'urgent', pattern: /\b(?:hacked|malware|casinos?|dangerous site|redirects (?:me )?to)\b/ },
  { floor: 'urgent', pattern: /\b(?:everything|all (?:the |my )?content) (?:is )?gone\b/ },
  { floor: 'urgent', pattern: new RegExp(String.raw`\b(?:cant|cannot|unable to|no one can|nobody can) (?:take|get|receive|make) (?:any )?(?:online )?${ITEMS}\b`) },
  { floor: 'urgent', pattern: /\b(?:charged (?:me )?(?:\w+ )?(?:three|3) times|extra zero)\b/ },
  { floor: 'high', pattern: /\b(?:charged (?:me )?(?:twice|two times|2 times)|double (?:charge|charged|payment)|duplicate (?:charge|payment)|cobraron dos veces|cobro doble)\b/ },
  { floor: 'high', pattern: /\b(?:fraud|unauthori[sz]ed|didnt authori[sz]e|dispute)\b/ },
  { floor: 'high', pattern: /\b(?:please refund|refund (?:me|it|one|the|my|that|this)|(?:want|need) (?:a |my )?(?:refund|money back)|(?:give|get) me (?:my )?money back|reembolso)\b/ },
  {
    floor: 'high',
    pattern: /\b(?:accidentally (?:bought|paid|purchased|clicked|cancell?ed)|(?:bought|paid|purchased|cancell?ed)(?: \w+){0,5} by (?:mistake|accident))\b/,
  },
  { floor: 'high', pattern: /\bgrace period (?:ends|is ending|runs out|is running out|running out)\b/ },
  { floor: 'high', pattern: /(?<!\bnot )(?<!\bno es )\b(?:asap|urgent|urgente|fix (?:it |this )?(?:right away|immediately|today))\b/ },
  { floor: 'high', pattern: /\b(?:losing|lost|costing (?:us|me)) (?:\w+ )?(?:customers|clients|calls|leads|money|business|sales)\b/ },
  { floor: 'high', pattern: new RegExp(String.raw`\b(?:never|not|dont|didnt|no longer|stopped) (?:get|getting|receive|receiving|arrive|arriving|see|seeing)(?: \w+){0,3} ${ITEMS}\b`) },
  { floor: 'high', pattern: new RegExp(String.raw`\b${ITEMS} (?:are |is )?not (?:arriving|coming|working)\b`) },
  { floor: 'high', pattern: new RegExp(String.raw`\b${SITE} (?:\w+ ){0,3}(?:is not loading|isnt loading|not loading|wont load|doesnt load|wont open|doesnt open|stopped (?:loading|working))\b`) },
  { floor: 'high', pattern: /\b(?:internal server error|blank (?:white )?page|no carga|stopped working)\b/ },
  { floor: 'high', pattern: /\b(?:cant|cannot|unable to) reach us\b/ },
];

/** Orders priorities: negative when `a` is lower than `b`. */
export function comparePriority(a: TicketPriority, b: TicketPriority): number {
  return TICKET_PRIORITIES.indexOf(a) - TICKET_PRIORITIES.indexOf(b);
}

/** The lowest priority the ticket's urgency cues allow (site down, charged twice, losing bookings, ...), or `low` when it has none. */
export function urgencyFloor(text: string): TicketPriority {
  const normalised = ` ${tokenize(text).join(' ')} `;
  let floor: TicketPriority = 'low';
  for (const cue of CUES) {
    if (comparePriority(cue.floor, floor) > 0 && cue.pattern.test(normalised)) floor = cue.floor;
  }
  return floor;
}
