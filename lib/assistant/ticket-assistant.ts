import { TICKET_CATEGORIES, TICKET_PRIORITIES } from '../tickets.js';

/** The categories and priorities a triage may return: the support ticket's own lists. */
export { TICKET_CATEGORIES, TICKET_PRIORITIES };

/** One of the triage categories. */
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** One of the ticket priorities, lowest first. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** What the assistant reads: the customer's ticket and, when known, which site and kind of business it is about. */
export interface TriageInput {
  subject: string;
  description: string;
  siteTitle?: string;
  /** The business category of the site, e.g. `plumber`. */
  businessCategory?: string;
}

/** The assistant's verdict on a ticket and its drafted answer. */
export interface TicketTriage {
  category: TicketCategory;
  priority: TicketPriority;
  /** Probability (0..1) that `category` is right; the workflow answers automatically only above its threshold. */
  confidence: number;
  /** Drafted answer to the customer. */
  reply: string;
  /** Ids of the help articles the reply is based on. */
  sources: string[];
}

/** Reads a support ticket and proposes category, priority and a reply. */
export interface TicketAssistant {
  /** A failed triage throws a `ChatCompletionError`; `retryable` false sends the ticket to a human. */
  triage(input: TriageInput): Promise<TicketTriage>;
}
