/**
 * Quality and speed of the embedded ticket assistant: trains on the `train` split of
 * lib/assistant/data/tickets.jsonl, then triages every held-out `test` ticket and prints category accuracy,
 * macro-F1, per-category precision / recall, the confusion matrix, priority accuracy, how well the confidence is
 * calibrated, 5-fold cross-validated accuracy on the train split (how the settings were chosen), and the latency of
 * one triage call (classification, retrieval and reply) as p50 / p99.
 *
 * Usage (no database, Temporal or network needed):
 *   npx tsx bench/triage.ts [repeats=20]
 */
import { loadHelpArticles, loadLabelledTickets } from '../lib/assistant/dataset.js';
import { crossValidatedAccuracy, evaluateTriage } from '../lib/assistant/evaluation.js';
import { LocalTicketAssistant } from '../lib/assistant/local-assistant.js';
import { TICKET_CATEGORIES } from '../lib/assistant/ticket-assistant.js';

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);

const repeats = Number(process.argv[2] ?? 20);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer, got ${process.argv[2]}`);

const tickets = loadLabelledTickets();
const articles = loadHelpArticles();
const train = tickets.filter((ticket) => ticket.split === 'train');
const test = tickets.filter((ticket) => ticket.split === 'test');

const trainingStarted = performance.now();
const assistant = new LocalTicketAssistant({ tickets, articles });
const trainingMs = performance.now() - trainingStarted;

const results = [];
for (const ticket of test) results.push({ ticket, triage: await assistant.triage(ticket) });
const evaluation = evaluateTriage(results);

const latencies: number[] = [];
for (let round = 0; round < repeats; round += 1) {
  for (const ticket of test) {
    const started = performance.now();
    await assistant.triage(ticket);
    latencies.push(performance.now() - started);
  }
}
latencies.sort((a, b) => a - b);

console.log(`Embedded ticket assistant: ${train.length} train / ${test.length} held-out test tickets, ${articles.length} help articles`);
console.log(`training at start-up: ${fixed(trainingMs, 0)} ms`);
console.log('');
console.log(`held-out category accuracy: ${fixed(evaluation.accuracy)}   macro-F1: ${fixed(evaluation.macroF1)}`);
console.log('');
console.log(`${'category'.padEnd(14)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'F1'.padStart(7)}${'support'.padStart(9)}`);
for (const category of TICKET_CATEGORIES) {
  const m = evaluation.perCategory[category];
  console.log(`${category.padEnd(14)}${fixed(m.precision).padStart(10)}${fixed(m.recall).padStart(8)}${fixed(m.f1).padStart(7)}${String(m.support).padStart(9)}`);
}
console.log('');
console.log(`confusion (rows: label, columns: predicted, in the order above)`);
for (const [i, row] of evaluation.confusion.entries()) {
  console.log(`${(TICKET_CATEGORIES[i] ?? '').padEnd(14)}${row.map((n) => String(n).padStart(5)).join('')}`);
}
console.log('');
console.log(`priority accuracy: ${fixed(evaluation.priorityAccuracy)}   labelled high/urgent triaged high/urgent: ${fixed(evaluation.highOrUrgentRecall)}`);
console.log(`confidence calibration error (ECE, 10 bins): ${fixed(evaluation.calibrationError)}`);
for (const band of evaluation.byConfidence) {
  console.log(`  confidence >= ${fixed(band.threshold, 1)}: ${fixed(band.coverage * 100, 1)}% of tickets, accuracy ${fixed(band.accuracy)}`);
}
console.log(`5-fold cross-validated accuracy on the train split: ${fixed(crossValidatedAccuracy(train, articles))}`);
console.log('');
console.log(
  `triage latency over ${latencies.length} calls: p50 ${fixed(percentile(latencies, 50))} ms   p99 ${fixed(percentile(latencies, 99))} ms   max ${fixed(latencies.at(-1) ?? Number.NaN)} ms`,
);
