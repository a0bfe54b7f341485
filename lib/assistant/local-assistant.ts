import { configuredPrices, loadHelpArticles, loadLabelledTickets, ticketText, type HelpArticle, type LabelledTicket, type PlanPrices } from './dataset.js';
import { KnowledgeBase } from './knowledge-base.js';
import { composeReply } from './reply.js';
import type { TicketAssistant, TicketTriage, TriageInput } from './ticket-assistant.js';
import { DEFAULT_TRIAGE_MODEL_OPTIONS, TriageModel, type TriageModelOptions } from './triage-model.js';

/** What the embedded assistant learns from; the defaults are the data set and help articles shipped in `data/`. */
export interface LocalAssistantData {
  /** Labelled tickets; only the `train` split is learnt from. */
  tickets: readonly LabelledTicket[];
  articles: readonly HelpArticle[];
}

/** Longest subject + description the model reads; the rest of a very long ticket adds cost, not signal. */
export const MAX_TRIAGE_TEXT_CHARS = 4000;

// A second article is quoted only when it is nearly as relevant as the first.
const SECOND_ARTICLE_RATIO = 0.75;
const MIN_SECOND_ARTICLE_SCORE = 0.12;

/**
 * The embedded default assistant: a TF-IDF + softmax-regression classifier trained (at construction, in a fraction of
 * a second) on the shipped labelled tickets, urgency rules for priority, and a reply quoting the closest help articles
 * of the predicted category. No network; the same input always gives the same triage.
 */
export class LocalTicketAssistant implements TicketAssistant {
  /** The trained classifier. */
  readonly model: TriageModel;
  /** The searchable help articles. */
  readonly knowledgeBase: KnowledgeBase;

  constructor(
    data: LocalAssistantData = { tickets: loadLabelledTickets(), articles: loadHelpArticles() },
    options: TriageModelOptions = DEFAULT_TRIAGE_MODEL_OPTIONS,
  ) {
    const train = data.tickets.filter((ticket) => ticket.split === 'train');
    this.model = TriageModel.train(train, data.articles, options);
    this.knowledgeBase = KnowledgeBase.build(data.articles, train.map(ticketText));
  }

  /** Triage without the promise, for callers that run it in a loop (the benchmark, the fake LLM server). */
  triageSync(input: TriageInput): TicketTriage {
    const ticket = {
      subject: input.subject.trim().slice(0, MAX_TRIAGE_TEXT_CHARS),
      description: input.description.trim().slice(0, MAX_TRIAGE_TEXT_CHARS),
    };
    const prediction = this.model.predict(ticket);
    const matches = this.knowledgeBase.search(ticketText(ticket), { category: prediction.category, limit: 2 });
    const [first, second] = matches;
    const articles = first ? [first.article] : [];
    if (first && second && second.score >= MIN_SECOND_ARTICLE_SCORE && second.score >= SECOND_ARTICLE_RATIO * first.score) {
      articles.push(second.article);
    }
    return {
      category: prediction.category,
      priority: prediction.priority,
      confidence: prediction.confidence,
      reply: composeReply({ category: prediction.category, priority: prediction.priority, siteTitle: input.siteTitle, articles }),
      sources: articles.map((article) => article.id),
    };
  }

  /** Classifies the ticket and drafts the reply. */
  async triage(input: TriageInput): Promise<TicketTriage> {
    return this.triageSync(input);
  }
}

let shared: { assistant: LocalTicketAssistant; prices: string } | undefined;

/**
 * One assistant trained on the shipped data, its articles quoting `prices` (default: the configured ones), built on
 * first use and shared by the process (the worker, the fake LLM); asked for other prices, it is built again.
 */
export function sharedLocalAssistant(prices: PlanPrices = configuredPrices()): LocalTicketAssistant {
  const key = JSON.stringify([prices.purchaseAmountCents, prices.monthlyAmountCents, prices.currency]);
  if (shared?.prices !== key) shared = { assistant: new LocalTicketAssistant({ tickets: loadLabelledTickets(), articles: loadHelpArticles(prices) }), prices: key };
  return shared.assistant;
}
