import { describe, expect, it } from 'vitest';
import { categoryKnowledge, CATEGORIES } from '../../../lib/preview-generator/categories.js';
import { evaluateGenerator, factChecks, inMemorySentenceStore, loadEvaluationListings } from '../../../lib/preview-generator/evaluation.js';
import { gateFindings, siteSentences } from '../../../lib/preview-generator/gate.js';
import type { Listing } from '../../../lib/preview-generator/generator.js';
import { generateLocally, LocalPreviewGenerator } from '../../../lib/preview-generator/local-generator.js';
import { schemaProblem, SiteContentSchema } from '../../../lib/site-editor/content.js';
import { presetFor } from '../../../lib/site-templates/presets.js';

const evaluation = loadEvaluationListings();

const joe: Listing = {
  name: 'Plumber Joe',
  category: 'Plumber',
  address: '88 Riverside Dr',
  city: 'Austin',
  phone: '+1 512-555-0187',
  hours: { 'Mon–Fri': '8am–6pm', Sat: '9am–1pm' },
  rating: 4.8,
  reviewCount: 132,
  reviews: [{ text: 'Fixed our leak in an hour.', author: 'Maria G.' }, { text: 'Tidy and polite.' }],
  services: ['Leak detection', 'Water heater installation'],
};

describe('the evaluation set', () => {
  it('has at least 150 listings across at least 12 known categories, about 30 % held out', () => {
    expect(evaluation.length).toBeGreaterThanOrEqual(150);
    const categories = new Set(evaluation.map((e) => categoryKnowledge(e.listing.category).id));
    expect(categories.has('general')).toBe(false);
    expect(categories.size).toBeGreaterThanOrEqual(12);
    const heldOut = evaluation.filter((e) => e.split === 'held-out').length / evaluation.length;
    expect(heldOut).toBeGreaterThan(0.25);
    expect(heldOut).toBeLessThan(0.35);
    expect(new Set(evaluation.map((e) => e.id)).size).toBe(evaluation.length);
  });

  it('is varied: accents, missing optional fields, ratings, reviews and hours', () => {
    const listings = evaluation.map((e) => e.listing);
    expect(listings.some((l) => l.name !== l.name.normalize('NFKD').replace(/\p{M}/gu, ''))).toBe(true);
    for (const field of ['hours', 'rating', 'reviews', 'services', 'email'] as const) {
      expect(listings.some((l) => l[field] === undefined)).toBe(true);
      expect(listings.some((l) => l[field] !== undefined)).toBe(true);
    }
  });
});

describe('the embedded generator', () => {
  it('maps category names and their synonyms to its knowledge', () => {
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(12);
    expect(categoryKnowledge('Peluquería').id).toBe('salon');
    expect(categoryKnowledge('Emergency plumber').id).toBe('plumber');
    expect(categoryKnowledge('Taller mecánico').id).toBe('auto repair');
    expect(categoryKnowledge('Lawn care').id).toBe('landscaping');
    expect(categoryKnowledge('Tailor')).toMatchObject({ id: 'general', kind: 'tailor', services: [] });
  });

  it('copies the facts exactly: name, phone, address, hours, rating and reviews', () => {
    const site = generateLocally(joe);
    expect(site.title).toBe('Plumber Joe');
    expect(site.slug).toBe('plumber-joe');
    expect(site.content.contact).toEqual({ phone: '+1 512-555-0187', address: '88 Riverside Dr, Austin', hours: { 'Mon–Fri': '8am–6pm', Sat: '9am–1pm' } });
    expect(site.content.reviews).toEqual({ rating: 4.8, count: 132, quotes: joe.reviews });
    expect(site.content.services.slice(0, 2)).toEqual(['Leak detection', 'Water heater installation']);
    expect(schemaProblem(SiteContentSchema, site.content)).toBeNull();
    expect(site.content.seoDescription?.length).toBeLessThanOrEqual(160);
    expect(site.content.faq?.some((item) => item.answer.includes('Mon–Fri 8am–6pm; Sat 9am–1pm'))).toBe(true);
  });

  it('takes the template and theme from the category’s design preset', () => {
    const preset = presetFor('plumber');
    expect(generateLocally(joe).content).toMatchObject({ template: preset.template, theme: preset.theme });
    expect(generateLocally({ ...joe, category: 'Peluquería' }).content.theme).toEqual(presetFor('salon').theme);
  });

  it('states no rating, reviews or hours for a listing without them', () => {
    const { rating: _r, reviewCount: _c, reviews: _q, hours: _h, ...bare } = joe;
    const site = generateLocally(bare);
    expect(site.content.reviews).toBeUndefined();
    expect(site.content.contact?.hours).toBeUndefined();
    expect(JSON.stringify(site.content)).not.toMatch(/rating|out of 5|opening hours/i);
  });

  it('writes the same site for the same listing, and a different one for another business', () => {
    expect(generateLocally(joe)).toEqual(generateLocally(structuredClone(joe)));
    const other = generateLocally({ ...joe, name: 'Riverside Plumbing Co.', phone: '+1 512-555-0112' });
    expect(other.content.about).not.toBe(generateLocally(joe).content.about.replaceAll('Plumber Joe', 'Riverside Plumbing Co.'));
  });

  it('reproduces every fact of every listing in the evaluation set', async () => {
    const generator = new LocalPreviewGenerator();
    for (const { id, listing } of evaluation) {
      const wrong = factChecks(listing, await generator.generate(listing)).filter((check) => !check.exact);
      expect(wrong, id).toEqual([]);
    }
  });

  it('passes the quality gate for every listing of the evaluation set, each site checked against those before it', async () => {
    const store = inMemorySentenceStore();
    for (const { id, listing } of evaluation) {
      const site = generateLocally(listing);
      expect(await gateFindings(listing, site, store.shared), id).toEqual([]);
      store.add(siteSentences(site));
    }
  });

  it('rarely repeats a sentence word for word across sites, and no two sites of a category share most of their phrasing', async () => {
    const result = await evaluateGenerator(new LocalPreviewGenerator(), evaluation);
    expect(result.failures).toEqual([]);
    expect(result.duplicateSentenceRate).toBeLessThan(0.05);
    expect(result.closestPairOverlap).toBeLessThan(0.7);
  });
});
