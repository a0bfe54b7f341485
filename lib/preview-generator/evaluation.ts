import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { schemaProblem } from '../site-editor/content.js';
import { categoryKnowledge } from './categories.js';
import { gateFindings, siteFindings, siteSentences } from './gate.js';
import { listingAddress, ListingSchema, type GeneratedSite, type Listing, type PreviewGenerator } from './generator.js';
import { transliterate } from './slug.js';

/** One listing of the evaluation set (`data/listings.json`). */
export const EvaluationListingSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  /** `held-out` listings were not looked at while the phrasing was tuned: they measure how it does on new businesses. */
  split: Type.Union([Type.Literal('tuning'), Type.Literal('held-out')]),
  listing: ListingSchema,
}, { additionalProperties: false });

/** A listing of the evaluation set. */
export type EvaluationListing = Static<typeof EvaluationListingSchema>;

/** Reads and validates the shipped evaluation set; a bad entry fails loudly with its position. */
export function loadEvaluationListings(file: URL = new URL('./data/listings.json', import.meta.url)): EvaluationListing[] {
  const entries: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error('listings.json must hold an array');
  return entries.map((entry: unknown, index) => {
    if (!Value.Check(EvaluationListingSchema, entry)) throw new Error(`listings.json entry ${index + 1}: ${schemaProblem(EvaluationListingSchema, entry)}`);
    return entry;
  });
}

/** Remembers the sentences of the sites seen so far and answers the gate's `sharedSentences` question about a new one. */
export function inMemorySentenceStore(): { shared: (sentences: string[]) => Promise<number>; add: (sentences: string[]) => void } {
  const seen = new Set<string>();
  return {
    shared: async (sentences) => sentences.filter((s) => seen.has(s)).length,
    add: (sentences) => sentences.forEach((s) => seen.add(s)),
  };
}

/** The facts a site must carry exactly as the listing gives them, and whether it does. */
export function factChecks(listing: Listing, site: GeneratedSite): { fact: string; exact: boolean }[] {
  const c = site.content;
  const checks = [
    { fact: 'name', exact: site.title === listing.name && c.about.includes(listing.name) },
    { fact: 'phone', exact: c.contact?.phone === listing.phone },
    { fact: 'address', exact: c.contact?.address === listingAddress(listing) },
  ];
  if (listing.hours && Object.keys(listing.hours).length > 0) checks.push({ fact: 'hours', exact: isDeepStrictEqual(c.contact?.hours, listing.hours) });
  if (listing.rating !== undefined) checks.push({ fact: 'rating', exact: c.reviews?.rating === listing.rating && c.reviews.count === listing.reviewCount });
  if ((listing.reviews ?? []).length > 0) checks.push({ fact: 'reviews', exact: isDeepStrictEqual(c.reviews?.quotes, listing.reviews) });
  return checks;
}

/** A sentence with the business's own name, city, street and phone replaced by markers: the template it was written from. */
function templateOf(sentence: string, listing: Listing): string {
  let text = ` ${sentence} `;
  for (const [marker, value] of [['nm', listing.name], ['ad', listing.address], ['ct', listing.city], ['ph', listing.phone]] as const) {
    const plain = transliterate(value);
    if (plain !== '') text = text.split(` ${plain} `).join(` ${marker} `);
  }
  return text.trim();
}

/** Share of sentence occurrences that appear on more than one site. */
function duplicateRate(sets: Set<string>[]): number {
  const sites = new Map<string, number>();
  for (const set of sets) for (const s of set) sites.set(s, (sites.get(s) ?? 0) + 1);
  let total = 0;
  let repeated = 0;
  for (const set of sets) {
    for (const s of set) {
      total += 1;
      if ((sites.get(s) ?? 0) > 1) repeated += 1;
    }
  }
  return total === 0 ? 0 : repeated / total;
}

/** The highest share of template sentences two sites of the same category have in common (Jaccard). */
function closestPair(sets: { category: string; templates: Set<string> }[]): number {
  let highest = 0;
  for (let i = 0; i < sets.length; i += 1) {
    for (let j = i + 1; j < sets.length; j += 1) {
      const a = sets[i];
      const b = sets[j];
      if (!a || !b || a.category !== b.category) continue;
      const common = [...a.templates].filter((s) => b.templates.has(s)).length;
      const union = a.templates.size + b.templates.size - common;
      if (union > 0) highest = Math.max(highest, common / union);
    }
  }
  return highest;
}

/** How a generator did on a set of listings. */
export interface GeneratorEvaluation {
  listings: number;
  /** Facts carried exactly (name, phone, address, hours, rating, reviews) out of those the listings give. */
  factsExact: number;
  factsChecked: number;
  /** Facts that differ from the listing or claims it does not make, found in the sites' text and contact block. */
  inventedFacts: number;
  /** Share of sentence occurrences that appear word for word on another site. */
  duplicateSentenceRate: number;
  /** The same, once each business's name, street, city and phone are masked: how often a sentence template repeats. */
  templateRepeatRate: number;
  /** The highest template overlap between two sites of one category. */
  closestPairOverlap: number;
  /** Sites the gate held, run in order with the sites before them as "other sites". */
  refused: number;
  /** Reasons the gate gave, with how often. */
  reasons: Map<string, number>;
  /** Listings the generator threw on, with the error. */
  failures: { id: string; error: string }[];
  /** Generation time per listing, in milliseconds, sorted. */
  timesMs: number[];
}

/** Generates a site for every listing and measures fidelity, invented facts, repetition, gate refusals and time. */
export async function evaluateGenerator(generator: PreviewGenerator, items: readonly EvaluationListing[]): Promise<GeneratorEvaluation> {
  const store = inMemorySentenceStore();
  const result: GeneratorEvaluation = {
    listings: items.length, factsExact: 0, factsChecked: 0, inventedFacts: 0, duplicateSentenceRate: 0, templateRepeatRate: 0,
    closestPairOverlap: 0, refused: 0, reasons: new Map(), failures: [], timesMs: [],
  };
  const sentenceSets: Set<string>[] = [];
  const templateSets: { category: string; templates: Set<string> }[] = [];
  for (const { id, listing } of items) {
    const started = performance.now();
    let site: GeneratedSite;
    try {
      site = await generator.generate(listing);
    } catch (error) {
      result.failures.push({ id, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    result.timesMs.push(performance.now() - started);
    for (const check of factChecks(listing, site)) {
      result.factsChecked += 1;
      if (check.exact) result.factsExact += 1;
    }
    result.inventedFacts += siteFindings(listing, site).filter((f) => f.rule === 'fact' || f.rule === 'invented').length;
    const findings = await gateFindings(listing, site, store.shared);
    if (findings.length > 0) result.refused += 1;
    for (const finding of findings) result.reasons.set(finding.message, (result.reasons.get(finding.message) ?? 0) + 1);
    const sentences = siteSentences(site);
    store.add(sentences);
    sentenceSets.push(new Set(sentences));
    templateSets.push({ category: categoryKnowledge(listing.category).id, templates: new Set(sentences.map((s) => templateOf(s, listing))) });
  }
  result.duplicateSentenceRate = duplicateRate(sentenceSets);
  result.templateRepeatRate = duplicateRate(templateSets.map((t) => t.templates));
  result.closestPairOverlap = closestPair(templateSets);
  result.timesMs.sort((a, b) => a - b);
  return result;
}
