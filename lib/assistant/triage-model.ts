import { CueLexicon } from './cues.js';
import { ticketText, type HelpArticle, type LabelledTicket } from './dataset.js';
import { SoftmaxRegression, type SoftmaxTrainingOptions } from './softmax-regression.js';
import { TfidfVectorizer, type SparseVector, type VectorizerOptions } from './text.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES, type TicketCategory, type TicketPriority } from './ticket-assistant.js';
import { comparePriority, urgencyFloor } from './urgency.js';

/** One way of reading a ticket: which n-grams, and whether the topic cues (cues.ts) are added to the text first. */
export interface TriageView {
  vectorizer: VectorizerOptions;
  cues: boolean;
}

/** Feature and training settings of the triage model: its category classifier averages one softmax regression per view. */
export interface TriageModelOptions {
  views: readonly TriageView[];
  training: SoftmaxTrainingOptions;
}

/**
 * Settings chosen by 5-fold cross-validation on the train split (the test split played no part): word 1–2-grams with
 * character 3–5-grams of the plain text (0.903 alone), averaged with word 1–2-grams of the text with its topic cues
 * (0.921 alone); together 0.935.
 */
export const DEFAULT_TRIAGE_MODEL_OPTIONS: TriageModelOptions = {
  views: [
    { vectorizer: { maxWordNgram: 2, charNgrams: [3, 5], minDocumentFrequency: 2 }, cues: false },
    { vectorizer: { maxWordNgram: 2, minDocumentFrequency: 2 }, cues: true },
  ],
  training: { epochs: 50, l2: 1e-5, learningRate: 1, seed: 1 },
};

/** One view's vectoriser and category classifier. */
interface TrainedView {
  vectorizer: TfidfVectorizer;
  model: SoftmaxRegression;
  cues: boolean;
}

/** The model's reading of one ticket. */
export interface TriagePrediction {
  category: TicketCategory;
  /** Probability of `category`. */
  confidence: number;
  /** The priority classifier's answer raised to the floor set by urgency cues. */
  priority: TicketPriority;
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

/**
 * TF-IDF features feeding softmax regressions: one category classifier per view (plain text; text with topic cues),
 * their probabilities averaged, and a priority classifier on the first view.
 */
export class TriageModel {
  private constructor(
    private readonly views: readonly TrainedView[],
    private readonly lexicon: CueLexicon,
    private readonly priorityModel: SoftmaxRegression,
  ) {}

  /** Trains on the given tickets (callers pass the train split only); the help articles' keywords feed the topic cues. */
  static train(
    tickets: readonly LabelledTicket[],
    articles: readonly HelpArticle[],
    options: TriageModelOptions = DEFAULT_TRIAGE_MODEL_OPTIONS,
  ): TriageModel {
    const lexicon = CueLexicon.build(articles);
    const texts = tickets.map(ticketText);
    const labels = tickets.map((ticket) => TICKET_CATEGORIES.indexOf(ticket.category));
    let priorityModel: SoftmaxRegression | undefined;
    const views = options.views.map((view) => {
      const documents = view.cues ? texts.map((text) => lexicon.annotate(text)) : texts;
      const vectorizer = TfidfVectorizer.fit(documents, view.vectorizer);
      const vectors = documents.map((document) => vectorizer.transform(document));
      priorityModel ??= SoftmaxRegression.train(
        vectors, tickets.map((ticket) => TICKET_PRIORITIES.indexOf(ticket.priority)), TICKET_PRIORITIES.length, vectorizer.size, options.training,
      );
      return { vectorizer, model: SoftmaxRegression.train(vectors, labels, TICKET_CATEGORIES.length, vectorizer.size, options.training), cues: view.cues };
    });
    if (!priorityModel) throw new Error('the triage model needs at least one view');
    return new TriageModel(views, lexicon, priorityModel);
  }

  /** Classifies one ticket. */
  predict(ticket: { subject: string; description: string }): TriagePrediction {
    const text = ticketText(ticket);
    const probabilities = new Float64Array(TICKET_CATEGORIES.length);
    let first: SparseVector | undefined;
    for (const view of this.views) {
      const vector = view.vectorizer.transform(view.cues ? this.lexicon.annotate(text) : text);
      first ??= vector;
      const answer = view.model.predict(vector);
      for (let c = 0; c < probabilities.length; c += 1) probabilities[c] = (probabilities[c] ?? 0) + (answer[c] ?? 0) / this.views.length;
    }
    const best = argmax(probabilities);
    const learned = first ? TICKET_PRIORITIES[argmax(this.priorityModel.predict(first))] ?? 'normal' : 'normal';
    const floor = urgencyFloor(text);
    return {
      category: TICKET_CATEGORIES[best] ?? 'general',
      confidence: probabilities[best] ?? 0,
      priority: comparePriority(floor, learned) > 0 ? floor : learned,
    };
  }
}
