import { describe, expect, it } from 'vitest';
import { inMemorySentenceStore } from '../../../lib/preview-generator/evaluation.js';
import { gateFindings, qualityGate, siteSentences, type GateRule } from '../../../lib/preview-generator/gate.js';
import type { GeneratedSite, Listing } from '../../../lib/preview-generator/generator.js';
import { generateLocally } from '../../../lib/preview-generator/local-generator.js';

const listing: Listing = {
  name: 'Plumber Joe',
  category: 'Plumber',
  address: '88 Riverside Dr',
  city: 'Austin',
  phone: '+1 512-555-0187',
  hours: { 'Mon–Fri': '8am–6pm' },
  rating: 4.8,
  reviewCount: 132,
  reviews: [{ text: 'Fixed our leak in an hour.', author: 'Maria G.' }],
  services: ['Leak detection', 'Drain cleaning'],
};

const nobody = async () => 0;
const site = () => generateLocally(listing);
/** The site with a sentence added to its about text. */
const saying = (sentence: string, base: GeneratedSite = site()): GeneratedSite => ({ ...base, content: { ...base.content, about: `${base.content.about} ${sentence}` } });

async function refusal(candidate: GeneratedSite, facts: Listing = listing): Promise<{ rules: GateRule[]; text: string }> {
  const findings = await gateFindings(facts, candidate, nobody);
  return { rules: findings.map((f) => f.rule), text: findings.map((f) => f.message).join(' | ') };
}

describe('quality gate', () => {
  it('passes the embedded generator’s site for the listing', async () => {
    expect(await qualityGate(listing, site(), nobody)).toEqual([]);
  });

  describe('refuses a fact that differs from the listing', () => {
    it('a different phone in the contact block', async () => {
      const s = site();
      const r = await refusal({ ...s, content: { ...s.content, contact: { ...s.content.contact, phone: '+1 512-555-0100' } } });
      expect(r.rules).toContain('fact');
      expect(r.text).toContain('The phone is "+1 512-555-0100", but the listing gives "+1 512-555-0187"');
    });

    it('a different phone in the text', async () => {
      expect((await refusal(saying('Call us on (512) 555-0199 after hours.'))).text).toContain('phone number "(512) 555-0199"');
    });

    it('a different address', async () => {
      const s = site();
      expect((await refusal({ ...s, content: { ...s.content, contact: { ...s.content.contact, address: '90 Riverside Dr, Austin' } } })).text).toContain('The address is "90 Riverside Dr, Austin"');
      expect((await refusal(saying('Our second shop is at 12 Oak Street.'))).text).toContain('address "12 Oak Street"');
    });

    it('different or invented opening hours', async () => {
      const s = site();
      expect((await refusal({ ...s, content: { ...s.content, contact: { ...s.content.contact, hours: { 'Mon–Fri': '8am–7pm' } } } })).text).toContain('opening hours differ');
      const { hours: _h, ...noHours } = listing;
      expect((await refusal(s, noHours)).text).toContain('the listing gives none');
      expect((await refusal(saying('We close at 9pm on Saturdays.'))).text).toContain('time "9pm"');
    });

    it('a different rating or review count', async () => {
      const s = site();
      expect((await refusal({ ...s, content: { ...s.content, reviews: { ...s.content.reviews, rating: 4.9 } } })).text).toContain('The rating is 4.9, but the listing gives 4.8');
      expect((await refusal(saying('Customers rate us 4.9 out of 5.'))).text).toContain('rating of 4.9');
      expect((await refusal(saying('Read our 300 reviews.'))).text).toContain('counts 300 reviews');
      const { rating: _r, reviewCount: _c, reviews: _q, ...unrated } = listing;
      expect((await refusal(s, unrated)).text).toContain('but the listing has none');
    });

    it('a review the listing does not have', async () => {
      const s = site();
      const quotes = [...(s.content.reviews?.quotes ?? []), { text: 'Best plumber ever!', author: 'Sam' }];
      const r = await refusal({ ...s, content: { ...s.content, reviews: { ...s.content.reviews, quotes } } });
      expect(r.rules).toEqual(['invented']);
      expect(r.text).toContain('The review "Best plumber ever!" is not one of the listing\'s');
    });

    it('a title that is not the business name', async () => {
      expect((await refusal({ ...site(), title: 'Plumber Joe & Sons' })).text).toContain('is not the business\'s name');
    });
  });

  describe('refuses an invented claim', () => {
    it.each([
      ['a licence', 'Fully licensed and insured.', 'a licence or certification'],
      ['a certification', 'Our plumbers are certified.', 'a licence or certification'],
      ['a founding year', 'Serving Austin since 1998.', 'years in business'],
      ['years of experience', 'With 20 years of experience.', 'years in business'],
      ['an award', 'An award-winning plumbing company.', 'an award or ranking'],
      ['a ranking', 'The best in Austin for leaks.', 'an award or ranking'],
      ['a price in dollars', 'Drain cleaning for $49.', 'a price or offer'],
      ['a starting price', 'Call-outs from 49 a visit.', 'a price or offer'],
      ['a free offer', 'Free estimates on every job.', 'a price or offer'],
      ['a guarantee', 'Satisfaction guaranteed on all work.', 'a guarantee'],
      ['round-the-clock service', 'Open 24/7 for emergencies.', 'an opening claim'],
      ['a customer count', 'Trusted by 500 happy customers.', 'a reputation or customer count'],
      ['a website', 'See more at www.plumberjoe.com.', 'a website or email address'],
    ])('%s', async (_, sentence, what) => {
      const r = await refusal(saying(sentence));
      expect(r.rules).toContain('invented');
      expect(r.text).toContain(`claims ${what}`);
    });

    it('but not one the listing itself makes', async () => {
      const facts: Listing = { ...listing, name: '24/7 Lock & Key', category: 'Locksmith', services: ['Free estimates', 'Lockouts'] };
      const s = generateLocally(facts);
      expect(await qualityGate(facts, saying('24/7 Lock & Key gives free estimates.', s), nobody)).toEqual([]);
    });

    it('and a claim in the listing’s review quotes stays allowed in the text', async () => {
      const facts: Listing = { ...listing, reviews: [{ text: 'Best plumber in Austin!' }] };
      expect(await qualityGate(facts, saying('One customer called Plumber Joe the best plumber in Austin.', generateLocally(facts)), nobody)).toEqual([]);
    });
  });

  describe('refuses placeholder text', () => {
    it.each(['Lorem ipsum dolor sit amet.', 'TODO: write this.', 'Welcome to [name].', 'Call {{phone}} today.', 'Welcome to your business in Austin.'])('%s', async (sentence) => {
      expect((await refusal(saying(sentence))).rules).toContain('placeholder');
    });

    it('but not a business whose name merely contains such a word', async () => {
      const facts: Listing = { ...listing, name: 'Todo Limpio', category: 'Limpieza' };
      expect(await qualityGate(facts, generateLocally(facts), nobody)).toEqual([]);
    });
  });

  it('refuses text outside the length bounds and a broken slug', async () => {
    const s = site();
    expect((await refusal({ ...s, content: { ...s.content, about: 'Plumber Joe fixes pipes.' } })).text).toContain('The about text has 24 characters; it must have 150 to 2000');
    expect((await refusal({ ...s, content: { ...s.content, headline: 'Plumber Joe '.repeat(12) } })).rules).toContain('length');
    expect((await refusal({ ...s, content: { ...s.content, seoDescription: 'x'.repeat(170) } })).rules).toEqual(expect.arrayContaining(['schema', 'length']));
    expect((await refusal({ ...s, slug: 'Plumber Joe' })).text).toContain('is not a valid address');
  });

  it('refuses a site whose text other sites already carry, through the sharedSentences callback', async () => {
    const store = inMemorySentenceStore();
    const first = site();
    expect(await qualityGate(listing, first, store.shared)).toEqual([]);
    store.add(siteSentences(first));
    const problems = await qualityGate(listing, first, store.shared);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\d+ of its \d+ sentences already appear on other sites\.$/);
  });

  it('does not cut a sentence at an abbreviation', () => {
    const s = saying('Find us on Av. Chapultepec 157 in Guadalajara today.');
    expect(siteSentences(s)).toContain('find us on av chapultepec 157 in guadalajara today');
  });

  it('asks about normalised sentences of at least five words', async () => {
    const asked: string[][] = [];
    await qualityGate(listing, site(), async (sentences) => {
      asked.push(sentences);
      return 0;
    });
    expect(asked).toHaveLength(1);
    for (const sentence of asked[0] ?? []) {
      expect(sentence).toMatch(/^[a-z0-9]+( [a-z0-9]+){4,}$/);
    }
  });
});
