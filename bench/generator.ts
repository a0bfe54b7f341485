/**
 * Quality and speed of the preview generator over the shipped evaluation set (lib/preview-generator/data/listings.json),
 * separately for the tuning listings and the held-out ones: fidelity (name, phone, address, hours, rating and reviews
 * reproduced exactly), invented facts the gate's rules find, how often a sentence appears word for word on another
 * site, how often a sentence template repeats once the business's own name, street, city and phone are masked, the
 * closest two sites of one category, gate refusals (each site checked against the sites before it), and the
 * generation time per listing (p50 / p95).
 *
 * With `--adapter`, also runs the OpenAI-compatible adapter against the local fake LLM (answering with the embedded
 * generator's text), and once more with the fake embellishing every answer, to show the gate holding those sites.
 *
 * Usage (no database, Temporal or network needed):
 *   npm run bench:generator [-- --adapter] [-- --verbose]
 */
import { startFakeLlm } from '../lib/openai/fake.js';
import { evaluateGenerator, loadEvaluationListings, type EvaluationListing, type GeneratorEvaluation } from '../lib/preview-generator/evaluation.js';
import type { PreviewGenerator } from '../lib/preview-generator/generator.js';
import { LocalPreviewGenerator } from '../lib/preview-generator/local-generator.js';
import { OpenAiPreviewGenerator } from '../lib/preview-generator/openai-generator.js';

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const verbose = process.argv.includes('--verbose');
const items = loadEvaluationListings();
const parts: [string, EvaluationListing[]][] = [
  ['tuning', items.filter((i) => i.split === 'tuning')],
  ['held-out', items.filter((i) => i.split === 'held-out')],
];

const COLUMNS = ['generator', 'part', 'listings', 'fidelity', 'invented', 'dup. sentences', 'template repeats', 'closest pair', 'refused', 'failed', 'p50 ms', 'p95 ms'];
const WIDTHS = [22, 9, 9, 16, 9, 15, 17, 13, 8, 7, 8, 8];

function row(cells: string[]): string {
  return cells.map((cell, i) => (i < 2 ? cell.padEnd(WIDTHS[i] ?? 8) : cell.padStart(WIDTHS[i] ?? 8))).join(' ');
}

function line(generator: string, part: string, r: GeneratorEvaluation): string {
  return row([
    generator, part, String(r.listings), `${r.factsExact}/${r.factsChecked} ${percent(r.factsChecked === 0 ? 0 : r.factsExact / r.factsChecked)}`,
    String(r.inventedFacts), percent(r.duplicateSentenceRate), percent(r.templateRepeatRate), percent(r.closestPairOverlap),
    String(r.refused), String(r.failures.length), percentile(r.timesMs, 50).toFixed(3), percentile(r.timesMs, 95).toFixed(3),
  ]);
}

async function report(name: string, generator: PreviewGenerator): Promise<void> {
  for (const [part, listings] of parts) {
    const result = await evaluateGenerator(generator, listings);
    console.log(line(name, part, result));
    if (verbose) {
      for (const [reason, count] of [...result.reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${count}× ${reason}`);
      for (const failure of result.failures.slice(0, 5)) console.log(`    failed ${failure.id}: ${failure.error}`);
    }
  }
}

console.log(`Preview generator over ${items.length} listings (${parts[0]?.[1].length} tuning, ${parts[1]?.[1].length} held out)`);
console.log('');
console.log(row(COLUMNS));
await report('embedded', new LocalPreviewGenerator());

if (process.argv.includes('--adapter')) {
  const apiKey = 'sk-bench-generator';
  const fake = await startFakeLlm({ apiKey });
  try {
    const adapter = new OpenAiPreviewGenerator({ baseUrl: fake.url, apiKey, model: 'fake', timeoutMs: 10_000 });
    await report('adapter (fake LLM)', adapter);
    fake.respondWith('embellish');
    await report('adapter, embellishing', adapter);
  } finally {
    await fake.close();
  }
}
console.log('');
console.log('fidelity: facts carried exactly / facts the listings give; invented: facts or claims the gate finds that the listing does not state;');
console.log('dup. sentences: sentence occurrences (≥ 5 words) found word for word on another site; template repeats: the same once name, street,');
console.log('city and phone are masked; closest pair: highest share of templates two sites of one category have in common (Jaccard).');
