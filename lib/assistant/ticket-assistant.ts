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
  triage(input: TriageInput): Promise<TicketTriage>;
}

/** Why a triage failed. */
export type TriageErrorCode = 'timeout' | 'network' | 'rate_limited' | 'server_error' | 'client_error' | 'invalid_output';

/** A failed triage; `retryable` tells whether the same request may succeed later (otherwise route the ticket to a human). */
export class TriageError extends Error {
  override readonly name = 'TriageError';

  constructor(
    message: string,
    readonly code: TriageErrorCode,
    readonly retryable: boolean,
    /** HTTP status of the provider's answer, when there was one. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
