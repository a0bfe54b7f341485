import { readFileSync } from 'node:fs';
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { loadConfig } from '../config.js';
import { formatMoney } from '../money.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from './ticket-assistant.js';

/** Folder of the shipped data set and knowledge base. */
export const ASSISTANT_DATA_DIR = new URL('./data/', import.meta.url);

const Category = Type.Enum(TICKET_CATEGORIES);

/** One labelled ticket of the training / evaluation set (a line of `data/tickets.jsonl`). */
export const LabelledTicketSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    /** `test` tickets are held out: never trained on, only used to measure the model. */
    split: Type.Enum(['train', 'test']),
    category: Category,
    priority: Type.Enum(TICKET_PRIORITIES),
    subject: Type.String(),
    description: Type.String(),
  },
  { additionalProperties: false },
);

/** A labelled ticket. */
export type LabelledTicket = Static<typeof LabelledTicketSchema>;

/** One help article of the knowledge base the drafted replies quote. */
export const HelpArticleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    category: Category,
    title: Type.String({ minLength: 1 }),
    summary: Type.String({ minLength: 1 }),
    steps: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    keywords: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

/** A help article. */
export type HelpArticle = Static<typeof HelpArticleSchema>;

function checked<T extends TSchema>(schema: T, value: unknown, where: string): Static<T> {
  if (Value.Check(schema, value)) return value;
  const first = Value.Errors(schema, value)[0];
  throw new Error(`${where}: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`);
}

/** Reads and validates the labelled tickets (JSON Lines). */
export function loadLabelledTickets(url: URL = new URL('tickets.jsonl', ASSISTANT_DATA_DIR)): LabelledTicket[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, index }) => checked(LabelledTicketSchema, JSON.parse(line), `${url.pathname}:${index + 1}`));
}

/** What a site costs, as configured (`pricing` in lib/config.ts): the articles and the assistant quote these, never a number of their own. */
export interface PlanPrices {
  purchaseAmountCents: number;
  monthlyAmountCents: number;
  currency: string;
}

/** The prices of the running configuration (PURCHASE_AMOUNT_CENTS, MONTHLY_AMOUNT_CENTS, CURRENCY). */
export function configuredPrices(): PlanPrices {
  return loadConfig().pricing;
}

/** The price placeholders an article may use, and what each becomes. */
export function pricePlaceholders(prices: PlanPrices): Record<'purchase_price' | 'monthly_price', string> {
  return { purchase_price: formatMoney(prices.purchaseAmountCents, prices.currency), monthly_price: formatMoney(prices.monthlyAmountCents, prices.currency) };
}

/** Fills `{purchase_price}` and `{monthly_price}` in a text; any other `{placeholder}` is a mistake in the article. */
export function fillPrices(text: string, prices: PlanPrices): string {
  const values: Record<string, string> = pricePlaceholders(prices);
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in a help article`);
    return value;
  });
}

/** Reads and validates the help articles, with the configured prices written in. */
export function loadHelpArticles(prices: PlanPrices = configuredPrices(), url: URL = new URL('help-articles.json', ASSISTANT_DATA_DIR)): HelpArticle[] {
  const articles = checked(Type.Array(HelpArticleSchema), JSON.parse(readFileSync(url, 'utf8')), url.pathname);
  return articles.map((article) => ({
    ...article,
    title: fillPrices(article.title, prices),
    summary: fillPrices(article.summary, prices),
    steps: article.steps.map((step) => fillPrices(step, prices)),
  }));
}

/** The text the models read: subject and description together. */
export function ticketText(ticket: { subject: string; description: string }): string {
  return `${ticket.subject}. ${ticket.description}`;
}
