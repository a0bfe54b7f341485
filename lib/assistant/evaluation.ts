import type { HelpArticle, LabelledTicket } from './dataset.js';
import { needsPerson } from './handoff.js';
import { TICKET_CATEGORIES, type TicketCategory, type TicketPriority, type TicketTriage } from './ticket-assistant.js';
import { DEFAULT_TRIAGE_MODEL_OPTIONS, TriageModel, type TriageModelOptions } from './triage-model.js';
import { comparePriority } from './urgency.js';

/** Precision, recall and F1 of one category, and how many tickets carry that label. */
export interface CategoryMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** How well the answers of a confidence band hold up. */
export interface ConfidenceBand {
  /** Tickets with confidence at or above this value. */
  threshold: number;
  /** Share of all tickets in the band. */
  coverage: number;
  /** Category accuracy within the band. */
  accuracy: number;
}

/** Quality of a set of triages against their labels. */
export interface TriageEvaluation {
  examples: number;
  accuracy: number;
  /** Unweighted mean of the per-category F1 scores. */
  macroF1: number;
  perCategory: Record<TicketCategory, CategoryMetrics>;
  /** Counts by [labelled][predicted] category, in `TICKET_CATEGORIES` order. */
  confusion: number[][];
  priorityAccuracy: number;
  /** Share of tickets labelled high or urgent that were triaged high or urgent. */
  highOrUrgentRecall: number;
  /** Expected calibration error of `confidence` over ten equal-width bins. */
  calibrationError: number;
  byConfidence: ConfidenceBand[];
}

/** Confidence thresholds reported by `evaluateTriage`. */
export const CONFIDENCE_THRESHOLDS = [0.5, 0.7, 0.8, 0.9] as const;

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 0 : numerator / denominator);

/** Scores triages against the labelled tickets they were made for. */
export function evaluateTriage(results: readonly { ticket: LabelledTicket; triage: TicketTriage }[]): TriageEvaluation {
  const size = TICKET_CATEGORIES.length;
  const confusion = TICKET_CATEGORIES.map(() => new Array<number>(size).fill(0));
  const bins = Array.from({ length: 10 }, () => ({ count: 0, correct: 0, confidence: 0 }));
  let correct = 0;
  let priorityCorrect = 0;
  let pressing = 0;
  let pressingCaught = 0;
  const isPressing = (priority: TicketPriority) => comparePriority(priority, 'high') >= 0;
  for (const { ticket, triage } of results) {
    const row = confusion[TICKET_CATEGORIES.indexOf(ticket.category)];
    const column = TICKET_CATEGORIES.indexOf(triage.category);
    if (row) row[column] = (row[column] ?? 0) + 1;
    const right = ticket.category === triage.category;
    if (right) correct += 1;
    if (ticket.priority === triage.priority) priorityCorrect += 1;
    if (isPressing(ticket.priority)) {
      pressing += 1;
      if (isPressing(triage.priority)) pressingCaught += 1;
    }
    const bin = bins[Math.min(9, Math.floor(triage.confidence * 10))];
    if (bin) {
      bin.count += 1;
      bin.confidence += triage.confidence;
      if (right) bin.correct += 1;
    }
  }
  const perCategory = Object.fromEntries(
    TICKET_CATEGORIES.map((category, i) => {
      const truePositives = confusion[i]?.[i] ?? 0;
      const support = (confusion[i] ?? []).reduce((sum, n) => sum + n, 0);
      const predicted = confusion.reduce((sum, row) => sum + (row[i] ?? 0), 0);
      const precision = ratio(truePositives, predicted);
      const recall = ratio(truePositives, support);
      return [category, { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support }];
    }),
  ) as Record<TicketCategory, CategoryMetrics>;
  return {
    examples: results.length,
    accuracy: ratio(correct, results.length),
    macroF1: ratio(
      TICKET_CATEGORIES.reduce((sum, category) => sum + perCategory[category].f1, 0),
      size,
    ),
    perCategory,
    confusion,
    priorityAccuracy: ratio(priorityCorrect, results.length),
    highOrUrgentRecall: ratio(pressingCaught, pressing),
    calibrationError: bins.reduce((sum, bin) => sum + Math.abs(bin.correct - bin.confidence), 0) / Math.max(1, results.length),
    byConfidence: CONFIDENCE_THRESHOLDS.map((threshold) => {
      const band = results.filter(({ triage }) => triage.confidence >= threshold);
      return {
        threshold,
        coverage: ratio(band.length, results.length),
        accuracy: ratio(band.filter(({ ticket, triage }) => ticket.category === triage.category).length, band.length),
      };
    }),
  };
}

/** The answers the AI sends without a person: confident enough, and nothing in them calls for one. */
export interface UnattendedAnswers {
  count: number;
  /** Share of all tickets answered this way. */
  coverage: number;
  /** Share of them whose category (and so the quoted help articles) is right. */
  accuracy: number;
  /** How many of them are labelled high or urgent: tickets a person should have taken. */
  neededPerson: number;
}

/** Scores the answers that would go to the customer without a person at the given confidence threshold. */
export function evaluateUnattended(
  results: readonly { ticket: LabelledTicket; triage: TicketTriage }[],
  confidenceThreshold: number,
): UnattendedAnswers {
  const sent = results.filter(({ triage }) => triage.confidence >= confidenceThreshold && !needsPerson(triage));
  return {
    count: sent.length,
    coverage: ratio(sent.length, results.length),
    accuracy: ratio(sent.filter(({ ticket, triage }) => ticket.category === triage.category).length, sent.length),
    neededPerson: sent.filter(({ ticket }) => comparePriority(ticket.priority, 'high') >= 0).length,
  };
}

/** Category accuracy of k-fold cross-validation over the given (train) tickets: how the settings were chosen. */
export function crossValidatedAccuracy(
  tickets: readonly LabelledTicket[],
  articles: readonly HelpArticle[],
  folds = 5,
  options: TriageModelOptions = DEFAULT_TRIAGE_MODEL_OPTIONS,
): number {
  let correct = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const model = TriageModel.train(tickets.filter((_, i) => i % folds !== fold), articles, options);
    for (const ticket of tickets.filter((_, i) => i % folds === fold)) {
      if (model.predict(ticket).category === ticket.category) correct += 1;
    }
  }
  return ratio(correct, tickets.length);
}
