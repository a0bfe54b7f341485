import { ticketText, type LabelledTicket } from './dataset.js';
import { SoftmaxRegression, type SoftmaxTrainingOptions } from './softmax-regression.js';
import { TfidfVectorizer, type VectorizerOptions } from './text.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES, type TicketCategory, type TicketPriority } from './ticket-assistant.js';
import { comparePriority, urgencyFloor } from './urgency.js';

/** Feature and training settings of the triage model. */
export interface TriageModelOptions {
  vectorizer: VectorizerOptions;
  training: SoftmaxTrainingOptions;
}

/** Settings chosen by 5-fold cross-validation on the train split (the test split played no part). */
export const DEFAULT_TRIAGE_MODEL_OPTIONS: TriageModelOptions = {
  vectorizer: { maxWordNgram: 2, charNgrams: [3, 5], minDocumentFrequency: 2 },
  training: { epochs: 50, l2: 1e-5, learningRate: 1, seed: 1 },
};

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

/** TF-IDF features (word 1–2-grams and character 3–5-grams) feeding two softmax regressions: category and priority. */
export class TriageModel {
  private constructor(
    private readonly vectorizer: TfidfVectorizer,
    private readonly categoryModel: SoftmaxRegression,
    private readonly priorityModel: SoftmaxRegression,
  ) {}

  /** Trains on the given tickets; callers pass the train split only. */
  static train(tickets: readonly LabelledTicket[], options: TriageModelOptions = DEFAULT_TRIAGE_MODEL_OPTIONS): TriageModel {
    const texts = tickets.map(ticketText);
    const vectorizer = TfidfVectorizer.fit(texts, options.vectorizer);
    const vectors = texts.map((text) => vectorizer.transform(text));
    const categoryModel = SoftmaxRegression.train(
      vectors,
      tickets.map((ticket) => TICKET_CATEGORIES.indexOf(ticket.category)),
      TICKET_CATEGORIES.length,
      vectorizer.size,
      options.training,
    );
    const priorityModel = SoftmaxRegression.train(
      vectors,
      tickets.map((ticket) => TICKET_PRIORITIES.indexOf(ticket.priority)),
      TICKET_PRIORITIES.length,
      vectorizer.size,
      options.training,
    );
    return new TriageModel(vectorizer, categoryModel, priorityModel);
  }

  /** Classifies one ticket. */
  predict(ticket: { subject: string; description: string }): TriagePrediction {
    const text = ticketText(ticket);
    const vector = this.vectorizer.transform(text);
    const probabilities = this.categoryModel.predict(vector);
    const best = argmax(probabilities);
    const learned = TICKET_PRIORITIES[argmax(this.priorityModel.predict(vector))] ?? 'normal';
    const floor = urgencyFloor(text);
    return {
      category: TICKET_CATEGORIES[best] ?? 'general',
      confidence: probabilities[best] ?? 0,
      priority: comparePriority(floor, learned) > 0 ? floor : learned,
    };
  }
}
