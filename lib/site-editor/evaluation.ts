import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { SiteChangeSchema, type SiteContent } from './content.js';
import type { SiteEditor } from './site-editor.js';

/** One labelled request (a line of `data/requests.jsonl`): the expected changes, or null when it must go to a person. */
export const LabelledEditSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  /** `test` requests are held out: the rules were not tuned on them. */
  split: Type.Union([Type.Literal('train'), Type.Literal('test')]),
  request: Type.String({ minLength: 1 }),
  expected: Type.Union([Type.Array(SiteChangeSchema, { minItems: 1 }), Type.Null()]),
}, { additionalProperties: false });

/** A labelled edit request. */
export type LabelledEdit = Static<typeof LabelledEditSchema>;

/** The site content every labelled request is read against (Plumber Joe's demo site, contact block filled in). */
export const EVALUATION_CONTENT: SiteContent = {
  headline: 'Your neighbourhood plumber',
  tagline: 'No job too small — fair prices, tidy work, on time.',
  about: 'Joe has fixed Austin pipes for twenty years and still answers the phone himself.',
  services: ['Faucet and toilet repair', 'Pipe replacement', 'Garbage disposals', 'Bathroom remodels'],
  callToAction: 'Book Joe today',
  theme: { primaryColor: '#14532d', accentColor: '#ea580c' },
  contact: { phone: '+1 512-555-0187', email: 'joe@plumberjoe.example', address: '88 Riverside Dr', hours: { 'Mon–Sat': '8am–6pm' } },
};

/** Reads and validates the shipped evaluation set; a bad line fails loudly with its number. */
export function loadLabelledEdits(file: URL = new URL('./data/requests.jsonl', import.meta.url)): LabelledEdit[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line, index) => {
    const value: unknown = JSON.parse(line);
    if (!Value.Check(LabelledEditSchema, value)) throw new Error(`requests.jsonl line ${index + 1} does not match the schema`);
    return value;
  });
}

/** Outcome counts: exactly right (the expected changes, or a refusal where one was expected), refused, wrong. */
export interface EditEvaluation {
  total: number;
  exact: number;
  refused: number;
  wrong: number;
  /** Refusals of requests that had an expected change (subset of `refused`). */
  missed: number;
  /** Exactly right among the requests the editor accepted. */
  precision: number;
  wrongRate: number;
  mistakes: { id: string; request: string; got: unknown }[];
}

/** Runs the editor over the requests and compares each answer with its label. */
export async function evaluateEditor(editor: SiteEditor, edits: LabelledEdit[], content: SiteContent = EVALUATION_CONTENT): Promise<EditEvaluation> {
  let exact = 0;
  let refused = 0;
  let wrong = 0;
  let missed = 0;
  let acceptedRight = 0;
  const mistakes: EditEvaluation['mistakes'] = [];
  for (const edit of edits) {
    const proposal = await editor.propose({ request: edit.request, content });
    if (proposal.kind === 'refused') {
      refused += 1;
      if (edit.expected === null) exact += 1;
      else missed += 1;
      continue;
    }
    if (edit.expected !== null && isDeepStrictEqual(proposal.changes, edit.expected)) {
      exact += 1;
      acceptedRight += 1;
    } else {
      wrong += 1;
      mistakes.push({ id: edit.id, request: edit.request, got: proposal.changes });
    }
  }
  const accepted = edits.length - refused;
  return {
    total: edits.length, exact, refused, wrong, missed,
    precision: accepted === 0 ? 0 : acceptedRight / accepted,
    wrongRate: edits.length === 0 ? 0 : wrong / edits.length,
    mistakes,
  };
}
