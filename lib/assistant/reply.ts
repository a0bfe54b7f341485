import type { HelpArticle } from './dataset.js';
import type { TicketCategory, TicketPriority } from './ticket-assistant.js';

const OPENINGS: Record<TicketCategory, string> = {
  content_edit: 'Here is how changes to your site work.',
  billing: 'Here is how this works on the billing side.',
  domain: 'Here is how to get your domain working with your site.',
  technical: "Sorry you've run into this problem. Here is what to check.",
  cancellation: 'Here is how to do that.',
  general: 'Happy to help.',
};

// Answers sent without a person promise nothing a person would have to do: a reply to the ticket is what reaches one.
const CLOSINGS: Record<TicketCategory, string> = {
  content_edit:
    'Reply with the details (or attach your photos): nothing changes on your live site until you approve a preview of the change.',
  billing: "If anything on your account doesn't match this, reply with the date and amount of the payment: replies go to our support team.",
  domain: "If it still doesn't work after that, reply with your domain name and your DNS provider: replies go to our support team.",
  technical: 'If the problem is still there, reply with the page address and a screenshot: replies go to our support team.',
  cancellation: "If you'd rather have it done for you, reply with the site it's about and when it should take effect: replies go to our support team.",
  general: "If this doesn't answer your question, just reply to this message: replies go to our support team.",
};

// High and urgent tickets always wait for a person (see `needsPerson`), so these notes are promises that are kept.
const PRIORITY_NOTES: Partial<Record<TicketPriority, string>> = {
  urgent: "We've marked your ticket as urgent and a member of our team is looking at it now.",
  high: "We've given your ticket high priority, so a member of our team will follow up shortly.",
};

/** What a reply is written from: the triage verdict, the site it is about, and the articles to quote (most relevant first). */
export interface ReplyInput {
  category: TicketCategory;
  priority: TicketPriority;
  siteTitle?: string;
  articles: readonly HelpArticle[];
}

/** Writes the customer-facing answer: greeting, the first article's summary and steps, a pointer to the others, and the next step. */
export function composeReply(input: ReplyInput): string {
  const site = input.siteTitle?.trim();
  const lines = ['Hello,', '', `Thanks for contacting WebMagic support${site ? ` about ${site}` : ''}. ${OPENINGS[input.category]}`];
  const note = PRIORITY_NOTES[input.priority];
  if (note) lines.push('', note);
  const [primary, ...others] = input.articles;
  if (primary) {
    lines.push('', `From our help article “${primary.title}”: ${primary.summary}`, ...primary.steps.map((step, i) => `${i + 1}. ${step}`));
  }
  for (const article of others) lines.push('', `You may also find “${article.title}” useful: ${article.summary}`);
  lines.push('', CLOSINGS[input.category], '', 'The WebMagic team');
  return lines.join('\n');
}
