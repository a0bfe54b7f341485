import { describe, expect, it } from 'vitest';
import { listingSlug, resolveSlugCollision, slugCandidates, slugify, transliterate } from '../../../lib/preview-generator/slug.js';
import { isSlug } from '../../../lib/slug.js';

describe('transliterated slugs', () => {
  it.each([
    ['Peluquería Ñandú', 'peluqueria-nandu'],
    ['Bäckerei Müller', 'backerei-muller'],
    ['Schlüsseldienst Weiß', 'schlusseldienst-weiss'],
    ['Ταβέρνα Νίκος', 'taverna-nikos'],
    ['Пекарня Хлеб', 'pekarnya-khleb'],
    ['Joe’s Plumbing & Heating', 'joes-plumbing-and-heating'],
    ['Café Névé — Montréal!', 'cafe-neve-montreal'],
    ['Ærø Øl', 'aero-ol'],
    ['  Top   Notch  Roofing  ', 'top-notch-roofing'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(isSlug(slug)).toBe(true);
  });

  it('cuts a long name at a word boundary within 100 characters', () => {
    const slug = slugify('Extraordinarily Long Business Name '.repeat(6));
    expect(slug.length).toBeLessThanOrEqual(100);
    expect(isSlug(slug)).toBe(true);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('drops letters of scripts it cannot spell in ASCII', () => {
    expect(transliterate('寿司 Sushi Bar')).toBe('sushi bar');
  });

  it('adds the city to a name that is short or only says what the business is', () => {
    expect(listingSlug('Bakery', 'Austin', 'bakery')).toBe('bakery-austin');
    expect(listingSlug('Panadería', 'Antigua Guatemala', 'bakery')).toBe('panaderia-antigua-guatemala');
    expect(listingSlug('Joe’s Plumbing', 'Austin', 'plumber')).toBe('joes-plumbing');
    expect(listingSlug('Drain Doctors of Denver', 'Denver', 'plumber')).toBe('drain-doctors-of-denver');
  });

  it('falls back to the category and city for a name with no Latin letters it can spell', () => {
    expect(listingSlug('寿司', 'Chicago', 'restaurant')).toBe('restaurant-chicago');
  });
});

describe('slug collisions', () => {
  const takenFrom = (taken: string[]) => new Set(taken);

  it('keeps a free base slug', () => {
    expect(resolveSlugCollision('plumber-joe', 'Austin', takenFrom([]))).toBe('plumber-joe');
  });

  it('adds the city first, then -2, -3', () => {
    expect(resolveSlugCollision('plumber-joe', 'Austin', takenFrom(['plumber-joe']))).toBe('plumber-joe-austin');
    expect(resolveSlugCollision('plumber-joe', 'Austin', takenFrom(['plumber-joe', 'plumber-joe-austin']))).toBe('plumber-joe-2');
    expect(resolveSlugCollision('plumber-joe', 'Austin', takenFrom(['plumber-joe', 'plumber-joe-austin', 'plumber-joe-2']))).toBe('plumber-joe-3');
  });

  it('skips the city when the slug already carries it', () => {
    expect(resolveSlugCollision('bakery-austin', 'Austin', takenFrom(['bakery-austin']))).toBe('bakery-austin-2');
  });

  it('keeps a suffixed long slug within 100 characters', async () => {
    const base = slugify('word '.repeat(40));
    const slug = resolveSlugCollision(base, 'San Francisco de Borja', takenFrom([base]));
    expect(slug.length).toBeLessThanOrEqual(100);
    expect(isSlug(slug)).toBe(true);
    expect(slug.endsWith('-san-francisco-de-borja')).toBe(true);
  });

  it('refuses a base that is not a slug', () => {
    expect(() => resolveSlugCollision('Not A Slug', 'Austin', takenFrom([]))).toThrow('not a slug');
  });

  it('names every candidate a look-up must find: the base, the base with the city, and a pattern for the numbered ones', () => {
    const { named, numbered } = slugCandidates('plumber-joe', 'Austin');
    expect(named).toEqual(['plumber-joe', 'plumber-joe-austin']);
    for (const slug of ['plumber-joe-2', 'plumber-joe-17']) expect(numbered.test(slug)).toBe(true);
    expect(numbered.test('plumber-joe')).toBe(false);
    const long = slugify('word '.repeat(40));
    const taken = new Set([long, ...slugCandidates(long, 'Austin').named]);
    expect(slugCandidates(long, 'Austin').numbered.test(resolveSlugCollision(long, 'Austin', taken))).toBe(true);
  });
});
