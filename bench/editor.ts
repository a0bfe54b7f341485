/**
 * Accuracy of the embedded site editor on the shipped labelled requests (lib/site-editor/data/requests.jsonl):
 * per split, how many answers were exactly right, refused (sent to a person) or wrong, the share exactly right
 * among the requests it accepted, and the wrong rate; the baseline is an editor that refuses everything.
 *
 * Usage (no database, Temporal or network needed):
 *   npm run bench:editor [-- --verbose]
 */
import { loadLabelledEdits, evaluateEditor } from '../lib/site-editor/evaluation.js';
import { LocalSiteEditor } from '../lib/site-editor/local-editor.js';
import type { SiteEditor } from '../lib/site-editor/site-editor.js';

const edits = loadLabelledEdits();
const verbose = process.argv.includes('--verbose');
const refuseAll: SiteEditor = { propose: async () => ({ kind: 'refused', reason: 'baseline', confidence: 0 }) };
const editor = new LocalSiteEditor();

for (const split of ['train', 'test'] as const) {
  const part = edits.filter((e) => e.split === split);
  const result = await evaluateEditor(editor, part);
  const baseline = await evaluateEditor(refuseAll, part);
  const label = split === 'test' ? 'held-out test' : 'train';
  console.log(`${label}: ${part.length} requests (${part.filter((e) => e.expected === null).length} should go to a person)`);
  console.log(`  exactly right ${result.exact} (${(result.exact / part.length).toFixed(3)}), refused ${result.refused} (of which ${result.missed} had a change), wrong ${result.wrong}`);
  console.log(`  exactly right among accepted ${result.precision.toFixed(3)}, wrong rate ${result.wrongRate.toFixed(3)}; baseline (refuse all) exactly right ${(baseline.exact / part.length).toFixed(3)}`);
  if (verbose) for (const m of result.mistakes) console.log(`  wrong ${m.id}: ${m.request} → ${JSON.stringify(m.got)}`);
}
