/**
 * Held-out quality of the embedded ticket assistant (`npm run eval:triage`): trains on the `train` split of
 * lib/assistant/data/tickets.jsonl, triages every held-out `test` ticket, and prints the category accuracy and how
 * right the answers sent without a person are at `AI_CONFIDENCE_THRESHOLD`, and the
 * cross-validated accuracy on the train split (what the settings and the threshold were chosen by). No database, Temporal or network needed.
 */
import { loadHelpArticles, loadLabelledTickets } from '../lib/assistant/dataset.js';
import { crossValidatedAccuracy, evaluateTriage, evaluateUnattended } from '../lib/assistant/evaluation.js';
import { LocalTicketAssistant } from '../lib/assistant/local-assistant.js';
import { loadConfig } from '../lib/config.js';

const threshold = loadConfig().tickets.confidenceThreshold;
const tickets = loadLabelledTickets();
const articles = loadHelpArticles();
const assistant = new LocalTicketAssistant({ tickets, articles });
const results = tickets.filter((ticket) => ticket.split === 'test').map((ticket) => ({ ticket, triage: assistant.triageSync(ticket) }));
const evaluation = evaluateTriage(results);
const unattended = evaluateUnattended(results, threshold);
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

console.log(`held-out tickets: ${results.length} (train: ${tickets.length - results.length})`);
console.log(`held-out category accuracy: ${evaluation.accuracy.toFixed(3)}   macro-F1: ${evaluation.macroF1.toFixed(3)}`);
console.log(
  `answered without a person (confidence >= ${threshold}, no person needed): ${unattended.count} tickets (${percent(unattended.coverage)}), ` +
    `${percent(unattended.accuracy)} right; ${unattended.neededPerson} of them labelled high or urgent`,
);
console.log(`5-fold cross-validated accuracy on the train split: ${crossValidatedAccuracy(tickets.filter((ticket) => ticket.split === 'train'), articles).toFixed(3)}`);
